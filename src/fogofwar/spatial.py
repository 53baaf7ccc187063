"""Where ledger events are, and the geometry of spatial queries.

A ledger event has a point when its place is a settlement or site the gazetteer gives
coordinates for (precision ``point`` or ``near``). Events placed only at a district, a
region or a country have none and are left out of spatial queries: a region's
representative point would claim a place the reports do not give.

Areas are a bounding box (:class:`BBox`: west, south, east, north in degrees; west > east
crosses the antimeridian) or a distance of a point (:class:`Near`). Distances are great
circle distances on a sphere of the Earth's mean radius (haversine), on every engine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .errors import ConfigError
from .records import LedgerEvent

__all__ = ["BBox", "Near", "Area", "EventPoint", "point_of", "haversine_km", "area", "EARTH_RADIUS_KM"]

EARTH_RADIUS_KM = 6371.0088  # the mean radius (IUGG), the sphere PostGIS uses too
_HALF_CIRCUMFERENCE_KM = math.pi * EARTH_RADIUS_KM
# places that are areas: their coordinates are a representative point, not where an event was
_AREA_KINDS = frozenset({"country", "adm1", "adm2", "area"})
_POINT_PRECISIONS = frozenset({"point", "near"})

Box = tuple[float, float, float, float]  # west, south, east, north with west <= east


def _number(text: str, what: str, code: str) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise ConfigError(code, detail=f"{what}: {text.strip()!r} is not a number") from exc
    if not math.isfinite(value):
        raise ConfigError(code, detail=f"{what}: {text.strip()!r} is not a finite number")
    return value


def _check_lat_lon(lat: float, lon: float, what: str, code: str) -> None:
    if not -90 <= lat <= 90:
        raise ConfigError(code, detail=f"{what}: latitude {lat:g} is not between -90 and 90")
    if not -180 <= lon <= 180:
        raise ConfigError(code, detail=f"{what}: longitude {lon:g} is not between -180 and 180")


@dataclass(frozen=True, slots=True)
class BBox:
    """A bounding box in degrees, edges included; ``west > east`` crosses the antimeridian."""

    west: float
    south: float
    east: float
    north: float

    def __post_init__(self) -> None:
        for lat, lon in ((self.south, self.west), (self.north, self.east)):
            _check_lat_lon(lat, lon, "bbox", "E401")
        if self.south > self.north:
            raise ConfigError("E401", detail=f"bbox: south {self.south:g} is north of north {self.north:g}")

    def boxes(self) -> list[Box]:
        """The box as one or two boxes that do not cross the antimeridian."""
        if self.west <= self.east:
            return [(self.west, self.south, self.east, self.north)]
        return [(self.west, self.south, 180.0, self.north), (-180.0, self.south, self.east, self.north)]

    def contains(self, lat: float, lon: float) -> bool:
        return any(w <= lon <= e and s <= lat <= n for w, s, e, n in self.boxes())


@dataclass(frozen=True, slots=True)
class Near:
    """Within ``km`` kilometres (great circle) of a point, the edge included."""

    latitude: float
    longitude: float
    km: float

    def __post_init__(self) -> None:
        _check_lat_lon(self.latitude, self.longitude, "near", "E401")
        if not 0 <= self.km <= _HALF_CIRCUMFERENCE_KM:
            raise ConfigError("E401", detail=f"km: {self.km:g} is not between 0 and {_HALF_CIRCUMFERENCE_KM:.0f}")

    def distance_km(self, lat: float, lon: float) -> float:
        return haversine_km(self.latitude, self.longitude, lat, lon)

    def contains(self, lat: float, lon: float) -> bool:
        return self.distance_km(lat, lon) <= self.km

    def boxes(self) -> list[Box]:
        """Boxes that hold every point within the distance (a prefilter: they hold more)."""
        # a hair wider than the circle, so that rounding never drops a point on its edge
        angle = self.km / EARTH_RADIUS_KM * (1 + 1e-9) + 1e-9
        south = math.degrees(math.radians(self.latitude) - angle)
        north = math.degrees(math.radians(self.latitude) + angle)
        if south <= -90 or north >= 90:  # the circle holds a pole: every longitude
            return [(-180.0, max(south, -90.0), 180.0, min(north, 90.0))]
        # the widest longitude the circle reaches (at a latitude nearer the pole than its centre)
        spread = math.degrees(math.asin(min(1.0, math.sin(angle) / math.cos(math.radians(self.latitude)))))
        west, east = self.longitude - spread, self.longitude + spread
        if west < -180:
            return [(west + 360, south, 180.0, north), (-180.0, south, east, north)]
        if east > 180:
            return [(west, south, 180.0, north), (-180.0, south, east - 360, north)]
        return [(west, south, east, north)]


Area = BBox | Near


@dataclass(frozen=True, slots=True)
class EventPoint:
    """Where a ledger event is, as the spatial table keeps it."""

    event_id: str
    latitude: float
    longitude: float
    precision: str  # the place's precision: "point" or "near"


def point_of(event: LedgerEvent) -> EventPoint | None:
    """The point of a ledger event placed at a settlement or site; None for one placed only
    at an area (district, region, country), unresolved or without coordinates."""
    mention = event.place
    place = mention.place if mention is not None else None
    if place is None or place.latitude is None or place.longitude is None:
        return None
    if place.kind in _AREA_KINDS or mention.precision not in _POINT_PRECISIONS:
        return None
    lat, lon = float(place.latitude), float(place.longitude)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # a broken gazetteer row places nothing
        return None
    return EventPoint(event_id=event.id, latitude=lat, longitude=lon, precision=mention.precision)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great circle distance between two points, in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _parts(text: str, count: int, what: str, form: str, code: str) -> list[float]:
    parts = text.split(",")
    if len(parts) != count:
        raise ConfigError(code, detail=f"{what} {text!r} is not {form}")
    return [_number(p, what, code) for p in parts]


def area(*, bbox: str | None = None, near: str | None = None, km: float | None = None,
         code: str = "E401") -> Area | None:
    """The area a user's options name: ``bbox`` "W,S,E,N", or ``near`` "LAT,LON" with ``km``;
    None when neither is given. Errors carry ``code`` (the API's is E404)."""
    if bbox is not None and near is not None:
        raise ConfigError(code, detail="give bbox or near, not both")
    if km is not None and near is None:
        raise ConfigError(code, detail="km needs near LAT,LON")
    try:
        if bbox is not None:
            return BBox(*_parts(bbox, 4, "bbox", "W,S,E,N (west, south, east, north in degrees)", code))
        if near is not None:
            if km is None:
                raise ConfigError(code, detail="near needs km, the distance in kilometres")
            lat, lon = _parts(near, 2, "near", "LAT,LON (latitude, longitude in degrees)", code)
            return Near(lat, lon, float(km))
    except ConfigError as exc:
        if exc.code == code:
            raise
        raise ConfigError(code, **exc.params) from exc
    return None
