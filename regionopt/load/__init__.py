"""Load the real data: files -> validated frames -> ``Instance`` and ``Geography``.

The only package (with ``territory``/``render`` writing files) that touches the file system for
input data. Every problem in the input is collected and reported together, each naming the
file, the row or code and what to do. Modules: ``files`` (finding the data), ``reading`` (bytes,
text and CSV of one file), ``geojson``, ``duo``, ``mbo``, ``places`` and ``actual`` (one reader
per file), ``locate`` (where each school is), ``schools`` (who takes part, as records) and
``join`` (every file read, the frames joined into an instance).

Policy per problem
------------------
Fail (``InputError``, nothing is built; every problem of every file is listed together):
    a missing or unreadable file (no permission, a folder); a file that is not text, not
    CSV or not JSON; a missing column; a row with more values than the header; a malformed
    vestiging code; a duplicate code in the location file; a pupil count that is not a whole
    number from 0 to ``MAX_PUPILS`` (``-5``, ``2.5``, ``abc``, ``1e9``), in the DUO counts or
    as ``leerlingen`` in the geocoded file; a GeoJSON CRS that no CRS database knows; a
    missing, NaN or infinite coordinate; a GeoJSON file whose features mostly lie outside the
    Netherlands under its CRS (an undeclared CRS is WGS84 longitude/latitude, as RFC 7946
    says; a declared one, such as EPSG:28992, is honoured); a PC4 centroid that is not a point
    in the Netherlands; an mbo file that is not a list of objects with a brinvest code and
    numeric coordinates; municipalities that hold fewer than half of the schools. Anything
    else a bad file makes pandas, pyogrio, shapely or pyproj raise also becomes a problem
    naming the file (``UNREADABLE``).
Drop or fall back, with a warning in ``LoadReport.warnings``:
    a geocoded point outside the Netherlands (the postcode centroid is used instead); a code
    listed twice in the geocoded file (the point whose postcode matches the DUO address wins);
    a school with pupils that no location file names and whose place is unknown (dropped);
    a school more than 2 km from every municipality (dropped); an mbo location outside the
    Netherlands (dropped); an mbo location that is an office (dropped, see
    ``MBO_OFFICE_PATTERN``); a primary school with no pupil count (weight 0 in the commuting
    model).
"""

from regionopt.load.actual import read_actual_regions
from regionopt.load.duo import (
    COUNT_REQUIRED,
    LOCATION_REQUIRED,
    MAX_PUPILS,
    pupil_count_problems,
    read_counts,
    read_geocoded,
    read_locations,
)
from regionopt.load.files import FILES, find_data_dir, project_root
from regionopt.load.join import LoadedData, LoadReport, load_all, load_instance
from regionopt.load.locate import Geography, place_key
from regionopt.load.mbo import MBO_OFFICE_PATTERN, read_mbo
from regionopt.load.places import read_municipalities, read_pc4, read_provinces
from regionopt.load.reading import MAX_LISTED, UNREADABLE

__all__ = [
    "COUNT_REQUIRED",
    "FILES",
    "LOCATION_REQUIRED",
    "MAX_LISTED",
    "MAX_PUPILS",
    "MBO_OFFICE_PATTERN",
    "UNREADABLE",
    "Geography",
    "LoadReport",
    "LoadedData",
    "find_data_dir",
    "load_all",
    "load_instance",
    "place_key",
    "project_root",
    "pupil_count_problems",
    "read_actual_regions",
    "read_counts",
    "read_geocoded",
    "read_locations",
    "read_mbo",
    "read_municipalities",
    "read_pc4",
    "read_provinces",
]
