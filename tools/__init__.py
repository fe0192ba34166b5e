"""Tools beside the test suite: benchmarks (`make bench`), the crash harness (`make crash`), the
bundle fuzzer (`make fuzz`) and the dependency audit (`make lint`)."""
