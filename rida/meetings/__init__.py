"""Meetings: their header, their RIDA rows and participants, and how they are listed.

The rules of editing live in :mod:`rida.meetings.editing`; this file imports nothing, so
that a light module of the package (:mod:`rida.meetings.catalogue`, which ``rida list``
uses) loads without the rest.
"""
