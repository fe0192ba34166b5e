"""Printed documents: A4 PDFs written in memory with the fonts the package ships (printing/pdf.py)."""
