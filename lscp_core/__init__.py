"""The shared core every layer may use: settings and the errors a user can fix.

It imports nothing else of lscp, so any package can depend on it without a cycle.
"""
