"""Distances, bounding boxes and grid cells."""
from __future__ import annotations

import math

import pytest

from participation.core import geo
from participation.core.errors import InvalidInput


def test_distance_known_value():
    # Tokyo station to Shinjuku station: about 6.2 km.
    assert 6_000 < geo.distance_m(35.6812, 139.7671, 35.6896, 139.7006) < 6_400
    assert geo.distance_m(35.0, 139.0, 35.0, 139.0) == 0


@pytest.mark.parametrize("lat", [0.0, 35.66, 43.06, 60.0])
def test_bbox_around_contains_the_circle(lat):
    min_lon, min_lat, max_lon, max_lat = geo.bbox_around(lat, 139.0, 250)
    for bearing in range(0, 360, 15):
        dlat = 250 * math.cos(math.radians(bearing)) / 111_195
        dlon = 250 * math.sin(math.radians(bearing)) / (111_195 * math.cos(math.radians(lat)))
        assert min_lat <= lat + dlat <= max_lat and min_lon <= 139 + dlon <= max_lon


def test_cells_cover_the_bbox_and_points_map_into_them():
    box = geo.bbox_around(35.6580, 139.7016, 250)
    cells = geo.cells_for_bbox(box)
    for lat in (box[1], 35.6580, box[3]):
        for lon in (box[0], 139.7016, box[2]):
            assert geo.cell_of(lat, lon) in cells
    assert geo.cells_for_bbox((139.0, 35.0, 140.0, 36.0)) is None  # too many: caller walks instead


def test_neighbouring_points_across_a_cell_border():
    lat = 35.66 - (35.66 + 90) % geo.CELL_LAT + geo.CELL_LAT  # exactly on a border
    assert geo.cell_of(lat - 1e-9, 139.7) != geo.cell_of(lat + 1e-9, 139.7)


@pytest.mark.parametrize("raw", ["1,2,3", "a,b,c,d", "10,0,5,1", "0,10,1,5", "nan,0,1,1", "0,0,181,1"])
def test_bad_bbox(raw):
    with pytest.raises(InvalidInput):
        geo.parse_bbox(raw)


def test_good_bbox_and_empty():
    assert geo.parse_bbox("139.6,35.6,139.8,35.7") == (139.6, 35.6, 139.8, 35.7)
    assert geo.parse_bbox("") is None
