"""Satsa: run a municipal social investment fund from needs analysis to implementation."""
