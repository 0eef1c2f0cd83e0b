"""What every printed document shares: its typeface and its locale formatting.

Statements, letters and case files use the same font (``typography``) and format amounts,
dates, month names and postal addresses the same way for one reader (``locale_format``).
"""
