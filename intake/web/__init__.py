"""The web interface (Flask): the application factory, sessions, security headers, the language
glue, forms with their translated labels, views and background export jobs. Only this package
imports flask, flask_babel, flask_wtf or wtforms (tests/test_architecture.py)."""
