"""Printable forms of TT 01/2018/TT-VPCP and TT 03/2025/TT-VPCP issued at intake: Mẫu 01, 02, 03."""
