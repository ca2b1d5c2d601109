"""The two coordinate reference systems of the package, named once.

Distances, territories and every computation use RD New (Dutch national grid, metres); maps
and GeoJSON use WGS 84 longitude/latitude.
"""

from __future__ import annotations

RD_NEW = "EPSG:28992"
"""Amersfoort / RD New: metres, the CRS of ``Instance`` coordinates and of all geometry."""
WGS84 = "EPSG:4326"
"""WGS 84 longitude/latitude: Leaflet maps and GeoJSON output."""
