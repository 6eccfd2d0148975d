"""Accounts for everyone: sign-up (creator or brand), login, the account page, passwords, API tokens, notifications.

It sits in brands because brands is above influencers: sign-up may create either kind of account.
"""
