"""Property-based hostile input for the data set adapters (``coopsec ingest-dataset``): COW states, GML MID,
ATOP (alliance, member and dyad-year files), COW IGO, ICEWS and the CAMEO codebook read beside it.

Each example lays out a data folder as the publishers ship it (``cow/states.csv``, ``cameo/cameo-codes.csv``
beside the file), replaces one file by a generated one and runs :func:`ingest_dataset` into the bundled
knowledge graph. The file either loads, or is refused with an :class:`InputError` naming that file and a
line; never another exception. Refused, the store is exactly as it was; accepted, only the data set's graph
changed and every typed literal in it is valid for its datatype.

Default run: ``FUZZ_EXAMPLES`` (40) examples per format and strategy, 720 in all, about 15 s. Long run: ``--run-slow`` runs 10,000 per format and strategy (``COOPSEC_FUZZ_EXAMPLES`` overrides both).
Seeds are a header and a few real rows of each file in ``../shared/data`` (see its README for the citations),
embedded here so that the tests run without that folder.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cooperative_security.errors import InputError, Problem
from cooperative_security.ingest.dataset_record import record_graph, recorded_use
from cooperative_security.ingest.datasets import (
    atop,
    cameo,
    cow_states,
    dyadyears,
    icews,
    igo,
    mid,
)
from cooperative_security.ingest.ingest_dataset import dataset_graph, ingest_dataset
from cooperative_security.kb import load_bundled
from cooperative_security.namespaces import GRAPH, XSD, graph
from cooperative_security.store import open_store

FUZZ_EXAMPLES = int(os.environ.get("COOPSEC_FUZZ_EXAMPLES", "40"))
LONG_EXAMPLES = int(os.environ.get("COOPSEC_FUZZ_EXAMPLES", "10000"))

# -- seeds: the header and a few rows of each real file -----------------------------------------------------

STATES = """\
stateabb,ccode,statenme,styear,stmonth,stday,endyear,endmonth,endday,version
USA,2.0,United States of America,1816.0,1.0,1.0,2016.0,12.0,31.0,2016.0
UKG,200.0,United Kingdom,1816.0,1.0,1.0,2016.0,12.0,31.0,2016.0
FRN,220.0,France,1816.0,1.0,1.0,1942.0,11.0,11.0,2016.0
FRN,220.0,France,1944.0,8.0,25.0,2016.0,12.0,31.0,2016.0
GMY,255.0,Germany,1816.0,1.0,1.0,1945.0,5.0,8.0,2016.0
GFR,260.0,German Federal Republic,1955.0,5.0,5.0,1990.0,10.0,2.0,2016.0
JPN,740.0,Japan,1952.0,4.0,28.0,2016.0,12.0,31.0,2016.0
BNG,771.0,Bangladesh,1971.0,12.0,16.0,2016.0,12.0,31.0,2016.0
DRV,816.0,Vietnam,1954.0,7.0,21.0,2016.0,12.0,31.0,2016.0
MAL,820.0,Malaysia,1957.0,8.0,31.0,2016.0,12.0,31.0,2016.0
INS,850.0,Indonesia,1949.0,12.0,27.0,2016.0,12.0,31.0,2016.0
"""

MID = """\
dispnum,ccode1,ccode2,year,midongoing,midonset,sidea1,sidea2,revstate1,revstate2,revtype11,revtype12,revtype21,revtype22,fatality1,fatality2,fatalpre1,fatalpre2,hiact1,hiact2,hostlev1,hostlev2,orig1,orig2,hiact,hostlev,mindur,maxdur,outcome,settle,fatality,fatalpre,stmon,endmon,recip,numa,numb,ongo2010,version
258,220,255,1940,1,0,1,0,0,1,0,1,-9,-9,6,6,-9,-9,20,20,5,5,0,1,20,5,2335,2335,1,2,6,-9,3,8,1,23,10,0,gml-2.1.1
258,255,220,1940,1,0,0,1,1,0,1,0,-9,-9,6,6,-9,-9,20,20,5,5,1,0,20,5,2335,2335,1,2,6,-9,3,8,1,23,10,0,gml-2.1.1
1070,820,850,1963,1,1,0,1,0,1,0,1,-9,-9,2,3,-9,-9,17,17,4,4,1,1,17,4,1217,1217,5,1,4,-9,2,6,1,1,4,0,gml-2.1.1
3703,220,255,1940,1,1,0,1,,1,-9,1,-9,-9,1,0,-9,0,17,17,4,4,1,1,17,4,8,8,1,2,1,-9,5,5,1,3,1,0,gml-2.1.1
"""

ATOP_ALLIANCE = """\
atopid,cowid,cow4id,begyr,begmo,begday,endyr,endmo,endday,ineffect,bilat,maxphase,wartime,estmode,pubsecr,secrart,proadd,futmem,speclgth,length,renounce,proren,renewlgt,term,defense,offense,neutral,nonagg,consul,active,conditio,defcon,offcon,neucon,concon,asymm,notaiden,dipaid,terrres,seppeace,thirdcom,noothall,specthrt,statthr1,statthr2,conwtin,medarb,milcon,milaid,intcom,subord,organ1,orgpurp1,organ2,orgpurp2,base,contrib,armred,acqterr,divgains,demwith,reflnun,refothio,natrefal,compag,nomicoop,conres,agprois,conmen,ecaid,interv,mem1,mem2,mem3,mem4,mem5,mem6,mem7,mem8,mem9,mem10,mem11,mem12,mem13,mem14,mem15,mem16,mem17,mem18,mem19,mem20,mem21,mem22,mem23,mem24,mem25,mem26,mem27,mem28,mem29,mem30,mem31,mem32,mem33,mem34,mem35,mem36,mem37,mem38,mem39,mem40,mem41,mem42,mem43,mem44,mem45,mem46,mem47,mem48,mem49,mem50,mem51,mem52,mem53,mem54,mem55,mem56,mem57,mem58,mem59,source,new4,rev4,version,hinst,minst,milorg,milinst,pubtreat,formorg,formal
1005,,,1815,1,3,1815,2,8,0,0,0,0,1,1,7,1,1,0,0,0,0,0,1,1,0,0,0,1,1,0,0,0,0,0,0,0,0,0,1,0,1,0,0,0,0,0,1,0,0,0,0,0,0,0,0,1,0,2,0,0,0,0,0,0,0,0,0,0,0,0,200,210,220,240,245,300,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,1,0,0,4.0100002,0,1,0,1,1,0,1
3470,,,1963,1,22,0,0,0,1,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,2,3,0,0,2,3,0,0,0,0,0,0,0,0,2,1,9,0,1,0,0,0,0,0,220,255,260,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,1,0,0,4.0100002,0,1,0,1,0,1,1
3755,,,1976,2,24,0,0,0,1,0,0,0,1,0,0,1,2,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,1,0,0,0,0,2,5,3,2,0,0,0,0,0,0,2,1,0,0,1,0,0,0,0,1,2,20,140,155,200,220,365,385,600,640,651,710,712,731,732,740,750,770,771,775,780,800,811,812,816,820,830,835,840,850,860,900,910,920,,,,,,,,,,,,,,,,,,,,,,,,,,1,0,1,4.0100002,0,0,0,0,1,1,2
"""

ATOP_MEMBER = """\
atopid,cowid,cow4id,member,cowsys,yrent,moent,dayent,yrexit,moexit,dayexit,ineffect,bilat,phase,maxphase,wartime,cowwar,estmode,pubsecr,secrart,proadd,futmem,speclgth,length,renounce,proren,renewlgt,term,termmode,termcaus,defense,offense,neutral,nonagg,consul,active,conditio,defcon,offcon,neucon,concon,defcoadv,defcoloc,defcocon,defconum,defcodem,defconpr,offcoadv,offcoloc,offcocon,offconum,offcodem,neucoadv,neucoloc,neucocon,neuconum,neucodem,neuconpr,neucoatt,concoadv,concoloc,concocon,concoreq,olimob,asymm,obvary,notaiden,dipaid,terrres,seppeace,thirdcom,noothall,specthrt,statthr1,statthr2,conwtin,medarb,milcon,milaid,intcom,subord,organ1,orgpurp1,organ2,orgpurp2,base,contrib,armred,acqterr,divgains,demwith,reflnun,refothio,natrefal,compag,nomicoop,conres,agprois,conmen,ecaid,interv,source,new4,rev4,version
3470,,,220,1,1963,1,22,0,0,0,1,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,2,3,0,0,2,3,0,0,0,0,0,0,0,0,2,1,9,0,1,0,0,0,0,0,1,0,0,4.01
3470,,,260,1,1963,1,22,1990,10,3,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,2,4,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,2,3,0,0,2,3,0,0,0,0,0,0,0,0,2,1,9,0,1,0,0,0,0,0,1,0,0,4.01
3470,,,255,1,1990,10,3,0,0,0,1,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,2,3,0,0,2,3,0,0,0,0,0,0,0,0,2,1,9,0,1,0,0,0,0,0,1,0,0,4.01
3755,,,820,1,1976,2,24,0,0,0,1,0,0,0,0,0,1,0,0,1,2,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,1,0,0,0,0,2,5,3,2,0,0,0,0,0,0,2,1,0,0,1,0,0,0,0,1,1,0,1,4.01
"""

ATOP_DYAD_YEARS = """\
ccode1,ccode2,year,atop_defense,atop_offense,atop_neutral,atop_nonagg,atop_consul
2.0,20.0,1942.0,1.0,1.0,0.0,0.0,0.0
2.0,20.0,1943.0,1.0,1.0,0.0,0.0,0.0
220.0,260.0,1963.0,1.0,0.0,0.0,1.0,1.0
220.0,260.0,1964.0,1.0,0.0,0.0,1.0,1.0
"""

IGO = """\
ccode1,ccode2,year,dyadigos
2.0,20.0,1920.0,7.0
2.0,20.0,1921.0,8.0
220.0,255.0,1939.0,26.0
220.0,255.0,1940.0,22.0
"""

ICEWS = """\
Event ID\tEvent Date\tSource Name\tSource Sectors\tSource Country\tEvent Text\tCAMEO Code\tIntensity\tTarget Name\tTarget Sectors\tTarget Country\tStory ID\tSentence Number\tPublisher\tCity\tDistrict\tProvince\tCountry\tLatitude\tLongitude
32889836\t2018-06-01\tForeign Affairs (Bangladesh)\tExecutive,Foreign Ministry,Government\tBangladesh\tConsult\t040\t1\tHigh Ranking Military Personnel (Vietnam)\tMilitary,Government\tVietnam\t47400351\t2\tVietnam News Agency Bulletin\tHanoi\tNA\tThanh Pho Ha Noi\tVietnam\t21.0245\t105.841
32891290\t2018-06-01\tMinistry (Japan)\tGovernment\tJapan\tConsider policy option\t014\t0\tCitizen (Japan)\tGeneral Population / Civilian / Social,Social\tJapan\t47400357\t5\tMainichi Daily News\tOsaka\tOsaka-shi\tOsaka-fu\tJapan\t34.6937\t135.502
32891072\t2018-06-01\tPolice (Malaysia)\tPolice,Government\tMalaysia\tMake statement\t010\t0\tStudent (Malaysia)\tSocial,Education\tMalaysia\t47400382\t3\tAssociated Press Newswires\tKuala Lumpur\tNA\tKuala Lumpur\tMalaysia\t3.1412\t101.687
32891110\t2018-06-01\tPolice (Malaysia)\tPolice,Government\tMalaysia\tArrest, detain, or charge with legal action\t173\t-5\tCriminal (Malaysia)\tCriminals / Gangs,Dissident\tMalaysia\t47400784\t1\tChannel NewsAsia\tKuala Lumpur\tNA\tKuala Lumpur\tMalaysia\t3.1412\t101.687
"""

#: Windows-1252 on disk; the ``‚Äô`` is the codebook's own mis-decoded apostrophe
CAMEO = """\
"","eventtype_ID","name","code","goldstein","nsLeft","nsRight","description","usage_notes","example","root_code","order"
"1",1,"MAKE PUBLIC STATEMENT","01",0,1,22,NA,NA,NA,"01",1
"2",2,"Make statement","010",0,2,3,"All public statements expressed verbally or in action not otherwise specified. ","This residual category is not coded except when distinctions among 011 to 017 cannot be made. Note that statements are typically subordinate events; events such as comments are coded as mere statements only when they do not further imply appeals, agreements, support, apologies, demands, disapprovals, rejections, threats, etc. ","U.S. military chief General Colin Powell said on Wednesday NATO would need to remain strong. ","01",2
"6",6,"Consider policy option","014",0,10,11,"Review, reflect upon, or study policy option. ","This event form is typically, although not exclusively, a verbal act. There is no limitation on types of policies that could be under consideration. ","Europe‚Äôs leading security forum is exploring the possibility of international patrols to monitor the former Yugoslav republic of Macedonia‚Äôs border with Serbia, its envoy said on Friday. ","01",6
"69",69,"CONSULT","04",1,137,152,NA,NA,NA,"04",69
"70",70,"Consult","040",1,138,139,"All consultations and meetings not otherwise specified. ","This residual category is not coded except when distinctions among 041 through 044 cannot be made. Note that events coded under 04 are typically, although not always, reciprocal events. ","A group of African diplomats held their first meeting with President Parvanov at a lunch hosted by the Ambassador of Kingdom of Morocco.","04",70
"270",269,"COERCE","17",-7,539,564,NA,NA,NA,"17",270
"273",272,"Confiscate property","1711",-9.2,543,544,"Use force to take control of somebody else‚Äôs property, confiscate, expropriate. ","Use this event form to code raids and lootings as well as other confiscations. ","In an unprecedented move, Palestinian police in Jericho confiscated weapons and explosives from Palestinian armed groups, the Israeli army said Friday. ","17",273
"""

STATES_PATH = "cow/states.csv"
MID_PATH = "mid/gml-mid-dyad-years-2.1.1.csv"
ICEWS_PATH = "icews/events.2018.sample.tab"
CAMEO_PATH = "cameo/cameo-codes.csv"


@dataclass(frozen=True)
class Seed:
    """One fuzzed file: which data set it is ingested as, where it lies, and what it starts from."""

    dataset: str  #: the ``coopsec ingest-dataset`` argument
    path: str  #: where the fuzzed file goes in the data folder
    text: str  #: the valid seed: a real header and rows
    columns: tuple[str, ...]  #: the columns the adapter reads (the structured strategy varies these)
    ingest: str | None = None  #: the file given to ``ingest-dataset``, when the fuzzed file is read beside it
    delimiter: str = ","
    encoding: str = "utf-8"

    @property
    def compressed(self) -> bool:
        return self.path.endswith(".gz")

    def encode(self, text: str) -> bytes:
        data = text.encode(self.encoding, "surrogatepass" if self.encoding == "utf-8" else "replace")
        return gzip.compress(data, mtime=0) if self.compressed else data

    @property
    def header(self) -> list[str]:
        return list(csv.reader(io.StringIO(self.text), delimiter=self.delimiter))[0]

    @property
    def rows(self) -> list[list[str]]:
        return list(csv.reader(io.StringIO(self.text), delimiter=self.delimiter))[1:]


SEEDS: dict[str, Seed] = {
    "cow-states": Seed("cow-states", STATES_PATH, STATES, cow_states.REQUIRED),
    "mid": Seed("mid", MID_PATH, MID, mid.REQUIRED),
    # the states file read beside a MID file, to name the states
    "mid-states": Seed("mid", STATES_PATH, STATES, cow_states.REQUIRED, ingest=MID_PATH),
    "atop-alliance": Seed("atop", "atop/atop-alliance-level.csv", ATOP_ALLIANCE, atop.ALLIANCE),
    "atop-member": Seed("atop", "atop/atop-member-level.csv", ATOP_MEMBER, atop.MEMBER),
    "atop-dyad-years": Seed("atop", "atop/atop-dyad-years.csv.gz", ATOP_DYAD_YEARS, atop.DYAD),
    "igo": Seed("igo", "cow/igo-shared-memberships-dyad-years.csv.gz", IGO, igo.REQUIRED),
    "icews": Seed("icews", ICEWS_PATH, ICEWS, icews.REQUIRED, delimiter="\t"),
    # the codebook read beside an ICEWS file, for the Goldstein weights
    "cameo": Seed("icews", CAMEO_PATH, CAMEO, cameo.REQUIRED, ingest=ICEWS_PATH, encoding=cameo.ENCODING),
}

# -- strategies -------------------------------------------------------------------------------------------

#: values that break number, date and code parsers, and text that breaks CSV
HOSTILE_VALUES = st.sampled_from([
    "", " ", "NA", "na", ".", "-9", "-1", "0", "-0", "+7", " 7 ", "07", "7.0", "7.5", "2.0.0", "1e3", "1E+02",
    "1e999", "-1e999", "nan", "NaN", "inf", "-inf", "Infinity", "1_000", "0x1F", "²", "١٢٣", "𝟗", "٣.٠", "Ⅻ",
    "99999999999999999999", "-99999999999999999999", "9" * 400, "9" * 5000,
    "\ufeff220", "220\x00", "220\r", '"220"', "'220'",
    "2018-06-01", "2018-02-30", "0000-01-01", "9999-12-31", "10000-01-01", "2018-6-1", "20180601", "2018-W01-1",
    "+002018-01-01", "2018-06-01T12:00", "1963", "USA", "usa", "U S", "ÄÖÜ", "USAX", "Vietnam", "United States",
    "040", "1711", "17", "9999", "<http://x>", "\\u0022", '"', '""', "\n", "\r\n", "\t", ",", ";",
])
HOSTILE_TEXT = st.text(alphabet=st.sampled_from(list("0123456789.,;-+eE \t\r\n\"'\\\x00\ufeff\u2028é²٣<>{}_NA")),
                       max_size=10)
NUMBERS = st.one_of(st.integers(-10**6, 10**6).map(str), st.integers(-10**6, 10**6).map(lambda n: f"{n}.0"),
                    st.integers(-10**30, 10**30).map(str), st.floats(allow_nan=True, allow_infinity=True).map(repr),
                    st.floats(allow_nan=True, allow_infinity=True).map(str))
#: replacement bytes for a whole file or a field: line ends, BOMs, NULs, separators
BYTES = st.sampled_from([b"\r", b"\r\n", b"\n", b"\n\n", b"\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x85",
                         b"\x81", b"\x8d", b"\x9d", b"\xc3", b"\xe2\x80", b"\xed\xa0\x80", b"\"", b"\"\"", b",", b";",
                         b"\t", b"|", b" ", b"\\", b"\x1a"])


def _value(seed: Seed, column: int) -> st.SearchStrategy[str]:
    good = sorted({row[column] for row in seed.rows if column < len(row)})
    return st.one_of(st.sampled_from(good or [""]), HOSTILE_VALUES, NUMBERS, HOSTILE_TEXT)


def _field_spans(line: bytes, delimiter: bytes) -> list[tuple[int, int]]:
    """(start, end) of each field of a line split naively at the delimiter."""
    cuts = list(re.finditer(re.escape(delimiter), line))
    return list(zip([0] + [m.end() for m in cuts], [m.start() for m in cuts] + [len(line)], strict=True))


@st.composite
def mutated(draw: st.DrawFn, seed: Seed) -> bytes:
    """The seed with a few byte-level and field-level mutations; for a ``.gz`` file, of the text or of the
    compressed bytes (a damaged download)."""
    data = bytearray(seed.text.encode(seed.encoding))
    delimiter = seed.delimiter.encode()
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["delete", "insert", "duplicate", "byte", "truncate", "field", "empty",
                                   "columns", "delimiter", "line-ends", "encoding", "bom"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "delete":
            del data[at:at + draw(st.integers(1, 40))]
        elif op == "insert":
            data[at:at] = draw(st.one_of(BYTES, HOSTILE_TEXT.map(lambda t: t.encode())))
        elif op == "duplicate":
            data[at:at] = data[at:at + draw(st.integers(1, 200))]
        elif op == "byte" and data:
            data[at] = draw(st.integers(0, 255))
        elif op == "truncate":
            data = data[:at]
        elif op in ("field", "empty", "columns"):
            lines = bytes(data).split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            spans = _field_spans(lines[i], delimiter)
            j = draw(st.integers(0, len(spans) - 1))
            start, end = spans[j]
            line = lines[i]
            if op == "field":
                value = draw(st.one_of(HOSTILE_VALUES, NUMBERS, HOSTILE_TEXT))
                line = line[:start] + value.encode(seed.encoding, "replace") + line[end:]
            elif op == "empty":
                line = line[:start] + line[end:]
            elif draw(st.booleans()):  # a missing column
                line = line[:max(start - 1, 0)] + line[end:]
            else:  # an extra column
                line = line[:end] + delimiter + draw(HOSTILE_VALUES).encode() + line[end:]
            lines[i] = line
            data = bytearray(b"\n".join(lines))
        elif op == "delimiter":
            other = draw(st.sampled_from([b",", b";", b"\t", b"|", b" "]))
            data = bytearray(bytes(data).replace(delimiter, other, draw(st.sampled_from([1, 5, -1]))))
        elif op == "line-ends":
            data = bytearray(bytes(data).replace(b"\n", draw(st.sampled_from([b"\r\n", b"\r", b"\n\r", b"\n\n"]))))
        elif op == "encoding":
            text = bytes(data).decode(seed.encoding, "replace") + draw(st.sampled_from(["", "é", "’", "€"]))
            codec = draw(st.sampled_from(["utf-16", "utf-16-be", "utf-32", "cp1252", "latin-1", "utf-8", "mac_roman"]))
            data = bytearray(text.encode(codec, "replace"))
        else:
            data[0:0] = draw(st.sampled_from([b"\xef\xbb\xbf", b"\xef\xbb\xbf\xef\xbb\xbf", b"\xff\xfe", b"\x00"]))
    if not seed.compressed:
        return bytes(data)
    packed = bytearray(gzip.compress(bytes(data), mtime=0))
    if draw(st.booleans()):  # damage the compressed stream itself
        for _ in range(draw(st.integers(1, 3))):
            at = draw(st.integers(0, max(len(packed) - 1, 0)))
            op = draw(st.sampled_from(["truncate", "byte", "delete", "append"]))
            if op == "truncate":
                packed = packed[:at]
            elif op == "byte" and packed:
                packed[at] = draw(st.integers(0, 255))
            elif op == "delete":
                del packed[at:at + draw(st.integers(1, 16))]
            else:
                packed += draw(st.sampled_from([b"\x00", b"junk", gzip.compress(b"x\n", mtime=0)]))
    return bytes(packed)


@st.composite
def structured(draw: st.DrawFn, seed: Seed) -> bytes:
    """The real header and up to six rows of generated values in its column layout: each row starts from
    a seed row, the columns the adapter reads get generated values, and a row may be a field short or long."""
    header, rows = seed.header, seed.rows
    read = [i for i, name in enumerate(header) if name in seed.columns]
    out = []
    for _ in range(draw(st.integers(0, 6))):
        row = list(draw(st.sampled_from(rows)))
        for i in draw(st.lists(st.sampled_from(read), max_size=len(read), unique=True)):
            row[i] = draw(_value(seed, i))
        width = draw(st.sampled_from([0, 0, 0, 0, 0, 0, -1, 1, -2, 2]))
        row = row[:width] if width < 0 else row + [draw(HOSTILE_VALUES) for _ in range(width)]
        out.append(row)
    buffer = io.StringIO(newline="")
    if draw(st.booleans()):  # quoted where it must be: a valid CSV of bad values
        writer = csv.writer(buffer, delimiter=seed.delimiter, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
        writer.writerow(header)
        writer.writerows(out)
    else:  # joined as they are: values holding quotes, delimiters or line ends break the layout
        buffer.write("\n".join(seed.delimiter.join(row) for row in [header, *out]) + "\n")
    return seed.encode(buffer.getvalue())


# -- the property -------------------------------------------------------------------------------------------

LEXICAL = {
    f"{XSD}integer": re.compile(r"[+-]?[0-9]+\Z"),
    f"{XSD}decimal": re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)\Z"),
    f"{XSD}boolean": re.compile(r"(true|false|1|0)\Z"),
    f"{XSD}date": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z"),
}


def ill_typed(quads: list[ox.Quad]) -> list[str]:
    """The typed literals whose text is not in their datatype's lexical space (``"nan"^^xsd:decimal``...)."""
    bad = []
    for q in quads:
        o = q.object
        if isinstance(o, ox.Literal) and o.datatype.value in LEXICAL:
            ok = LEXICAL[o.datatype.value].match(o.value) is not None
            if ok and o.datatype.value == f"{XSD}date":
                try:
                    dt.date.fromisoformat(o.value)
                except ValueError:
                    ok = False
            if not ok:
                bad.append(str(q))
    return bad


class Baseline:
    """The bundled knowledge graph, and its N-Quads dump that every example must leave it as.

    Comparing one dump (a few milliseconds) instead of sets of quads keeps an example near 20 ms, so the
    long run (180,000 examples) takes about an hour on one core.
    """

    def __init__(self) -> None:
        self.store = open_store("memory:")
        load_bundled(self.store)
        self.raw = self.store.raw  # type: ignore[attr-defined]
        self.quads = list(self.raw)
        self.dump = self.raw.dump(format=ox.RdfFormat.N_QUADS)

    def unchanged(self) -> bool:
        """Whether the store is as it was; if not, it is put back (so that later examples start from the
        same graph) and False returned."""
        if self.raw.dump(format=ox.RdfFormat.N_QUADS) == self.dump:
            return True
        self.raw.clear()
        self.raw.extend(self.quads)
        return False


@pytest.fixture(scope="module")
def baseline() -> Iterator[Baseline]:
    b = Baseline()
    yield b
    b.store.close()


def lay_out(folder: Path) -> Path:
    """A data folder as shipped: every seed at its place, so each ingest finds valid files beside its own
    (an example then overwrites the one file it fuzzes)."""
    for seed in SEEDS.values():
        (folder / seed.path).parent.mkdir(parents=True, exist_ok=True)
        (folder / seed.path).write_bytes(seed.encode(seed.text))
    return folder


def check_one(baseline: Baseline, folder: Path, seed: Seed, data: bytes) -> str:
    """Accepted with only the data set's graph changed and well typed, or refused with an InputError that
    names the fuzzed file and a line, and the store exactly as it was; returns which."""
    target = folder / seed.path
    target.write_bytes(data)
    raw = baseline.raw
    try:
        report = ingest_dataset(baseline.store, seed.dataset, folder / (seed.ingest or seed.path))
    except InputError as exc:
        unchanged = baseline.unchanged()  # first, so that the store is put back whatever fails below
        assert exc.problems, "an InputError must carry at least one problem"
        for problem in exc.problems:
            assert problem.source == str(target), f"names {problem.source}, not the file that is wrong: {exc}"
            assert problem.line is not None or problem.record, f"no line or record: {exc}"
            assert problem.message.strip(), problem
        assert str(target) in str(exc)
        assert unchanged, f"a refused input changed the store: {exc}"
        return "refused"
    [events] = [ox.NamedNode(g) for g in report.graphs]  # events/<dataset> (events/atop/<kind> for ATOP)
    assert events == dataset_graph(seed.dataset, folder / (seed.ingest or seed.path))
    loaded = list(raw.quads_for_pattern(None, None, None, events))
    temporary = [g for g in raw.named_graphs() if g.value.startswith(GRAPH + "tmp/")]
    assert recorded_use(baseline.store, events) is not None, "the graph's record (the files it is from) is missing"
    # take the data set's graph and its record out again: what is left must be the store exactly as it was
    raw.remove_graph(events)
    raw.remove_graph(record_graph(events))
    assert baseline.unchanged(), "an accepted data set changed graphs other than its own and its record"
    assert not temporary, "the temporary load graph was left behind"
    assert not ill_typed(loaded), f"accepted, with ill-typed literals: {ill_typed(loaded)[:3]}"
    return "accepted"


def _fuzz(fmt: str, examples: int, tmp_path: Path, baseline: Baseline, how: str) -> Counter[str]:
    """Run ``examples`` examples; how many were accepted and how many refused."""
    seed = SEEDS[fmt]
    folder = lay_out(tmp_path)
    strategy = mutated(seed) if how == "mutated" else structured(seed)
    outcomes: Counter[str] = Counter()

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(strategy)
    def run(data: bytes) -> None:
        outcomes[check_one(baseline, folder, seed, data)] += 1

    run()
    return outcomes


def _long_run(fmt: str, tmp_path: Path, baseline: Baseline, how: str) -> None:
    outcomes = _fuzz(fmt, LONG_EXAMPLES, tmp_path, baseline, how)
    print(f"{fmt} {how}: {sum(outcomes.values())} examples, {outcomes['accepted']} accepted, "
          f"{outcomes['refused']} refused")
    # both sides of the property were exercised: not only the first check, not only valid files
    assert sum(outcomes.values()) >= LONG_EXAMPLES and outcomes["accepted"] and outcomes["refused"]


@pytest.mark.parametrize("fmt", sorted(SEEDS))
def test_mutated_files_give_located_errors_or_load(fmt: str, tmp_path: Path, baseline: Baseline) -> None:
    _fuzz(fmt, FUZZ_EXAMPLES, tmp_path, baseline, "mutated")


@pytest.mark.parametrize("fmt", sorted(SEEDS))
def test_generated_rows_give_located_errors_or_load(fmt: str, tmp_path: Path, baseline: Baseline) -> None:
    _fuzz(fmt, FUZZ_EXAMPLES, tmp_path, baseline, "structured")


@pytest.mark.slow
@pytest.mark.parametrize("fmt", sorted(SEEDS))
def test_long_run_mutated(fmt: str, tmp_path: Path, baseline: Baseline) -> None:
    _long_run(fmt, tmp_path, baseline, "mutated")


@pytest.mark.slow
@pytest.mark.parametrize("fmt", sorted(SEEDS))
def test_long_run_structured(fmt: str, tmp_path: Path, baseline: Baseline) -> None:
    _long_run(fmt, tmp_path, baseline, "structured")


#: what a file read beside the ingested one adds, so that a fuzzed companion file is really read
READ_BESIDE = {"mid-states": "agent", "cameo": "goldstein", "atop-member": "memberState"}


@pytest.mark.parametrize("fmt", sorted(SEEDS))
def test_every_seed_is_accepted(fmt: str, tmp_path: Path, baseline: Baseline) -> None:
    """The mutations start from valid files (else the fuzzing would only test the first check)."""
    seed = SEEDS[fmt]
    ingested = next(s for s in SEEDS.values() if s.path == (seed.ingest or seed.path))
    events = dataset_graph(seed.dataset, lay_out(tmp_path) / ingested.path)
    report = ingest_dataset(baseline.store, seed.dataset, lay_out(tmp_path) / ingested.path)
    loaded = list(baseline.raw.quads_for_pattern(None, None, None, events))
    baseline.raw.remove_graph(events)
    baseline.raw.remove_graph(record_graph(events))
    assert baseline.unchanged()
    assert report.rows == len(ingested.rows) >= 3
    assert report.triples >= len(loaded) >= report.rows  # lines loaded; the same triple may come twice
    assert not ill_typed(loaded)
    if fmt in READ_BESIDE:
        assert any(q.predicate.value.endswith("#" + READ_BESIDE[fmt]) for q in loaded)


# -- regressions: one tiny file per shape the fuzzer found ------------------------------------------------


def refusal(baseline: Baseline, tmp_path: Path, fmt: str, data: bytes) -> Problem:
    """The problem ``data`` is refused with, in place of the ``fmt`` file; the store unchanged."""
    seed = SEEDS[fmt]
    folder = lay_out(tmp_path)
    (folder / seed.path).write_bytes(data)
    with pytest.raises(InputError) as info:
        ingest_dataset(baseline.store, seed.dataset, folder / (seed.ingest or seed.path))
    assert baseline.unchanged()
    problem = info.value.problems[0]
    assert problem.source == str(folder / seed.path)
    return problem


#: ``ccode1,ccode2,year,dyadigos\n2.0,20.0,1920.0,7.0\n`` compressed
IGO_GZ = (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03KN\xceOI5\xd4I\x06QF:\x95\xa9\x89E:)\x95\x89)\x99\xe9\xf9\xc5\\Fz"
          b"\x06:F\x06@\xc2\xd0\x12L\x99\xeb\x19p\x01\x000\xad\rk0\x00\x00\x00")


def test_gzip_header_without_data_is_refused_at_line_1(baseline: Baseline, tmp_path: Path) -> None:
    # was EOFError from atop.kind, which reads the header to tell the three ATOP layouts apart
    problem = refusal(baseline, tmp_path, "atop-dyad-years", IGO_GZ[:10])
    assert problem.line == 1 and "cannot read the header" in problem.message


def test_corrupt_deflate_data_is_refused_as_a_damaged_download(baseline: Baseline, tmp_path: Path) -> None:
    # was zlib.error ("invalid code lengths set"), which is not an OSError
    damaged = bytearray(IGO_GZ)
    damaged[10] ^= 0xFF
    assert gzip.decompress(IGO_GZ).startswith(b"ccode1,")
    problem = refusal(baseline, tmp_path, "igo", bytes(damaged))
    assert problem.line == 1 and "damaged or truncated gzip data" in problem.message


def test_bad_byte_on_the_last_line_of_a_truncated_gzip_file(baseline: Baseline, tmp_path: Path) -> None:
    # the first pass stops at the bad byte; the second pass, looking for its line, hit the cut-off stream (EOFError)
    text = b"ccode1,ccode2,year,dyadigos\n2,20,1920,7\n2,20,1921,\x85"
    problem = refusal(baseline, tmp_path, "igo", gzip.compress(text, mtime=0)[:-8])
    assert problem.line == 3 and "not valid utf-8" in problem.message


def test_multibyte_sequence_cut_off_by_the_end_of_the_file_has_a_line(baseline: Baseline, tmp_path: Path) -> None:
    # the line-by-line pass never saw the end of the sequence, so the problem had no line
    data = SEEDS["mid"].text.encode() + b"\xd5"
    problem = refusal(baseline, tmp_path, "mid", data)
    assert problem.line == len(SEEDS["mid"].text.splitlines()) + 1 and "not valid utf-8" in problem.message


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e999", "Infinity", "²", "١٢", "𝟗", "1_000", "0x10",
                                   "99999999999999999999", pytest.param("9" * 5000, id="5000-digits")])
def test_numbers_python_would_take_or_choke_on_are_refused(value: str, baseline: Baseline, tmp_path: Path) -> None:
    # inf and 1e999 raised OverflowError, nan ValueError, "²" passed str.isdigit and broke int(), "١٢" and "1_000"
    # were read as 12 and 1000, 5000 digits broke Python's int-to-text limit
    for fmt, text in (("igo", f"ccode1,ccode2,year,dyadigos\n2,20,1920,7\n2,20,{value},8\n"),
                      ("mid", MID.replace(",1963,", f",{value},"))):
        problem = refusal(baseline, tmp_path, fmt, SEEDS[fmt].encode(text))
        assert problem.field == "year", problem
        assert problem.line == (3 if fmt == "igo" else 4)


def test_year_too_large_for_a_calendar_is_not_a_date(baseline: Baseline, tmp_path: Path) -> None:
    # a whole number that fits but no calendar does: datetime raised OverflowError, which check_date let through
    problem = refusal(baseline, tmp_path, "cow-states", STATES.replace("1816.0,1.0,1.0,2016", "2147483648,1.0,1.0,2016",
                                                                       1).encode())
    assert problem.line == 2 and problem.field == "stmonth" and "is not a date" in problem.message


@pytest.mark.parametrize("value", ["nan", "inf", "1e16", "-11", "١"])
def test_icews_intensity_outside_the_goldstein_scale_is_refused(value: str, baseline: Baseline,
                                                                 tmp_path: Path) -> None:
    # was loaded as "nan"^^xsd:decimal, "1e+16"^^xsd:decimal: literals outside the datatype
    text = ICEWS.replace("\t040\t1\t", f"\t040\t{value}\t", 1)
    problem = refusal(baseline, tmp_path, "icews", text.encode())
    assert problem.line == 2 and problem.field == "Intensity"


def test_small_intensity_is_written_as_a_decimal(baseline: Baseline, tmp_path: Path) -> None:
    folder = lay_out(tmp_path)
    (folder / ICEWS_PATH).write_text(ICEWS.replace("\t040\t1\t", "\t040\t1e-7\t", 1), encoding="utf-8")
    ingest_dataset(baseline.store, "icews", folder / ICEWS_PATH)
    events = graph("events/icews")
    loaded = list(baseline.raw.quads_for_pattern(None, None, None, events))
    baseline.raw.remove_graph(events)
    baseline.raw.remove_graph(record_graph(events))
    assert baseline.unchanged()
    assert not ill_typed(loaded)
    assert any(q.object.value == "0.0000001" for q in loaded if q.predicate.value.endswith("#intensity"))


@pytest.mark.parametrize("fmt, old, new", [("icews", "32889836", "32889836²"), ("icews", "\t040\t", "\t٠٤٠\t"),
                                           ("cameo", '"040"', '"٠٤٠"')])
def test_codes_in_other_digits_are_refused(fmt: str, old: str, new: str, baseline: Baseline, tmp_path: Path) -> None:
    # str.isdigit takes them: "²" went into an event IRI, "٠٤٠" became a CAMEO code that matches nothing
    seed = SEEDS[fmt]
    problem = refusal(baseline, tmp_path, fmt, seed.encode(seed.text.replace(old, new, 1)))
    assert problem.line == (2 if fmt == "icews" else 6)


def test_dyad_universe_refuses_other_digits(tmp_path: Path) -> None:
    # the inlined fast path of the dyad-year universe had the same str.isdigit slip (int("²") raised ValueError)
    path = tmp_path / "directed-dyad-years.csv"
    path.write_text("ccode1,ccode2,year\n2.0,20.0,1920.0\n2.0,20.0,192²\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        list(dyadyears.read(path, 1816, 2010))
    assert info.value.problems[0].line == 3 and info.value.problems[0].field == "year"
