"""Partnering for internationalisation: requests and offers, matchmaking with reasons, shortlists."""
