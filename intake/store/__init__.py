"""The SQLCipher store: opening it, its pragmas, its schema migrations and its search indexes."""
