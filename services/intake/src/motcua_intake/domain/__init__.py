"""The intake domain: pure rules of the one-stop counter (Bộ phận Một cửa).

Nothing in this package performs I/O besides reading the packaged data files, imports a web
framework, or talks to a database or broker; the adapters around it do.
"""
