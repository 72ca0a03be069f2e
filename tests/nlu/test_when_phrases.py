"""Our own phrases for parse_when (not copies of the dev set): German and English, spoken and
formal, every grammar form of the issue, DST days and year rollover.

Each case: (text, lang, now, expected). ``expected`` is one of
  "dt YYYY-MM-DD HH:MM"            a datetime (local wall time in now's zone)
  "date YYYY-MM-DD"                a whole day
  "win YYYY-MM-DD HH:MM | YYYY-MM-DD HH:MM"   a window
  "none ISSUE"                     no answer, with that issue
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from nlu import parse_when

BERLIN = ZoneInfo("Europe/Berlin")
FRI = "2026-11-20T10:00"  # a Friday, like the dev set
MON = "2026-11-16T09:00"  # a Monday: the weekday rules must not depend on the dev set's day
DEC30 = "2026-12-30T11:00"  # year rollover
DST_OCT = "2026-10-24T18:00"  # the day before clocks go back (2026-10-25)
DST_MAR = "2027-03-27T09:00"  # the day before clocks go forward (2027-03-28)

CASES: list[tuple[str, str, str, str]] = [
    # --- German clock times: halb, viertel, dreiviertel, N nach/vor, number words ---------------
    ("zehn nach drei", "de", FRI, "dt 2026-11-20 15:10"),
    ("fünf vor halb vier", "de", FRI, "dt 2026-11-20 15:25"),
    ("fünf nach halb drei", "de", FRI, "dt 2026-11-20 14:35"),
    ("zwanzig vor sechs", "de", FRI, "dt 2026-11-20 17:40"),
    ("9 Uhr 45", "de", FRI, "dt 2026-11-20 09:45"),
    ("8 Uhr fünfzig", "de", FRI, "dt 2026-11-20 08:50"),
    ("sechzehn Uhr", "de", FRI, "dt 2026-11-20 16:00"),
    ("um sechzehn Uhr fünfzehn", "de", FRI, "dt 2026-11-20 16:15"),
    ("neun Uhr fünfundvierzig", "de", FRI, "dt 2026-11-20 09:45"),
    ("um acht", "de", FRI, "dt 2026-11-20 08:00"),
    ("um sieben", "de", FRI, "dt 2026-11-20 19:00"),
    ("um eins", "de", FRI, "dt 2026-11-20 13:00"),
    ("um zwölf", "de", FRI, "dt 2026-11-20 12:00"),
    ("halb eins", "de", FRI, "dt 2026-11-20 12:30"),
    ("viertel vor eins", "de", FRI, "dt 2026-11-20 12:45"),
    ("dreiviertel acht", "de", FRI, "dt 2026-11-20 19:45"),
    ("drei viertel zehn", "de", FRI, "dt 2026-11-20 09:45"),
    ("viertel drei", "de", FRI, "dt 2026-11-20 14:15"),
    ("Viertel über vier", "de", FRI, "dt 2026-11-20 16:15"),
    ("kurz nach drei", "de", FRI, "dt 2026-11-20 15:05"),
    ("um 1 Uhr mittags", "de", FRI, "dt 2026-11-20 13:00"),
    ("Punkt zehn", "de", FRI, "dt 2026-11-20 10:00"),
    ("um 15.30 Uhr", "de", FRI, "dt 2026-11-20 15:30"),
    ("15h30", "de", FRI, "dt 2026-11-20 15:30"),
    ("um halb 8", "de", FRI, "dt 2026-11-20 19:30"),
    ("halb zehn", "de", FRI, "dt 2026-11-20 09:30"),
    # --- German days with times and parts of day --------------------------------------------
    ("morgen um 10", "de", FRI, "dt 2026-11-21 10:00"),
    ("morgen früh", "de", FRI, "win 2026-11-21 08:00 | 2026-11-21 11:00"),
    ("übermorgen um halb zehn", "de", FRI, "dt 2026-11-22 09:30"),
    ("heute Abend um acht", "de", FRI, "dt 2026-11-20 20:00"),
    ("heute Nachmittag um drei", "de", FRI, "dt 2026-11-20 15:00"),
    ("morgen Vormittag gegen zehn", "de", FRI, "dt 2026-11-21 10:00"),
    ("Dienstag früh um acht", "de", FRI, "dt 2026-11-24 08:00"),
    ("Montagmorgen", "de", FRI, "win 2026-11-23 08:00 | 2026-11-23 12:00"),
    ("Sonntagabend", "de", FRI, "win 2026-11-22 18:00 | 2026-11-22 22:00"),
    ("Mittwochnachmittag", "de", FRI, "win 2026-11-25 12:00 | 2026-11-25 18:00"),
    ("heute Morgen", "de", FRI, "win 2026-11-20 08:00 | 2026-11-20 12:00"),
    ("übermorgen Mittag", "de", FRI, "dt 2026-11-22 12:00"),
    ("gegen Mittag", "de", FRI, "dt 2026-11-20 12:00"),
    ("über Mittag", "de", FRI, "win 2026-11-20 11:00 | 2026-11-20 14:00"),
    ("morgen um sieben Uhr morgens", "de", FRI, "dt 2026-11-21 07:00"),
    ("Montag um 8", "de", FRI, "dt 2026-11-23 08:00"),
    ("am Montag um sieben", "de", FRI, "dt 2026-11-23 19:00"),
    ("um 9 am Montag", "de", FRI, "dt 2026-11-23 09:00"),
    # --- relative days, weeks, weekday rules ------------------------------------------------
    ("in 5 Tagen", "de", FRI, "date 2026-11-25"),
    ("in drei Wochen", "de", FRI, "date 2026-12-11"),
    ("in einer Woche", "de", FRI, "date 2026-11-27"),
    ("in 14 Tagen", "de", FRI, "date 2026-12-04"),
    ("heute in zwei Wochen", "de", FRI, "date 2026-12-04"),
    ("morgen in einer Woche um 10", "de", FRI, "dt 2026-11-28 10:00"),
    ("Mittwoch in zwei Wochen", "de", FRI, "date 2026-12-09"),
    ("geht es am Samstag in einer Woche", "de", FRI, "date 2026-11-28"),
    ("Freitag in einer Woche", "de", FRI, "date 2026-11-27"),
    ("diesen Mittwoch", "de", FRI, "date 2026-11-25"),
    ("kommenden Freitag", "de", FRI, "date 2026-11-27"),
    ("übernächsten Montag", "de", FRI, "date 2026-11-30"),
    ("nächste Woche Donnerstag um 11", "de", FRI, "dt 2026-11-26 11:00"),
    ("Donnerstag nächster Woche", "de", FRI, "date 2026-11-26"),
    ("übernächste Woche Dienstag", "de", FRI, "date 2026-12-01"),
    ("in zwei Wochen am Dienstag", "de", FRI, "date 2026-12-01"),
    ("nächste Woche", "de", FRI, "win 2026-11-23 00:00 | 2026-11-30 00:00"),
    ("diese Woche noch", "de", FRI, "win 2026-11-20 00:00 | 2026-11-23 00:00"),
    ("Mitte nächster Woche", "de", FRI, "win 2026-11-24 00:00 | 2026-11-27 00:00"),
    ("Ende der Woche", "de", FRI, "win 2026-11-20 00:00 | 2026-11-22 00:00"),
    ("nächstes Wochenende", "de", FRI, "win 2026-11-28 00:00 | 2026-11-30 00:00"),
    ("am Wochenende vormittags", "de", FRI, "win 2026-11-21 08:00 | 2026-11-21 12:00"),
    ("nächste Woche nachmittags", "de", FRI, "win 2026-11-23 12:00 | 2026-11-28 18:00"),
    ("nächsten Dienstag", "de", MON, "date 2026-11-17"),
    ("Dienstag", "de", MON, "date 2026-11-17"),
    ("nächste Woche Dienstag", "de", MON, "date 2026-11-24"),
    ("übernächsten Dienstag", "de", MON, "date 2026-11-24"),
    ("am Montag", "de", MON, "date 2026-11-23"),
    ("Ende der Woche", "de", MON, "win 2026-11-19 00:00 | 2026-11-22 00:00"),
    ("Anfang der Woche", "de", MON, "win 2026-11-16 00:00 | 2026-11-19 00:00"),
    ("am Wochenende", "de", MON, "win 2026-11-21 00:00 | 2026-11-23 00:00"),
    ("nächstes Wochenende", "de", MON, "win 2026-11-28 00:00 | 2026-11-30 00:00"),
    ("heute um drei", "de", MON, "dt 2026-11-16 15:00"),
    # --- ranges and bounds ------------------------------------------------------------------
    ("zwischen Montag und Mittwoch", "de", FRI, "win 2026-11-23 00:00 | 2026-11-26 00:00"),
    ("von Montag bis Mittwoch", "de", FRI, "win 2026-11-23 00:00 | 2026-11-26 00:00"),
    ("Montag oder Dienstag", "de", FRI, "win 2026-11-23 00:00 | 2026-11-25 00:00"),
    ("ab Mittwoch", "de", FRI, "win 2026-11-25 00:00 | 2026-12-02 00:00"),
    ("vom 1. bis 5. Dezember", "de", FRI, "win 2026-12-01 00:00 | 2026-12-06 00:00"),
    ("ab 10 Uhr", "de", FRI, "win 2026-11-20 10:00 | 2026-11-20 20:00"),
    ("bis 12", "de", FRI, "win 2026-11-20 08:00 | 2026-11-20 12:00"),
    ("nachmittags bis 15 Uhr", "de", FRI, "win 2026-11-20 12:00 | 2026-11-20 15:00"),
    ("vormittags ab 9 Uhr", "de", FRI, "win 2026-11-20 09:00 | 2026-11-20 12:00"),
    ("zwischen 10 und 12 Uhr", "de", FRI, "win 2026-11-20 10:00 | 2026-11-20 12:00"),
    ("von 14 bis 16 Uhr", "de", FRI, "win 2026-11-20 14:00 | 2026-11-20 16:00"),
    ("14-16 Uhr", "de", FRI, "win 2026-11-20 14:00 | 2026-11-20 16:00"),
    ("zwischen halb drei und vier", "de", FRI, "win 2026-11-20 14:30 | 2026-11-20 16:00"),
    ("nicht vor 10", "de", FRI, "win 2026-11-20 10:00 | 2026-11-20 20:00"),
    ("später als 15 Uhr", "de", FRI, "win 2026-11-20 15:00 | 2026-11-20 20:00"),
    ("morgen zwischen 10 und 2", "de", FRI, "win 2026-11-21 10:00 | 2026-11-21 14:00"),
    # --- months -----------------------------------------------------------------------------
    ("Anfang Dezember", "de", FRI, "win 2026-12-01 00:00 | 2026-12-11 00:00"),
    ("Ende Dezember", "de", FRI, "win 2026-12-25 00:00 | 2027-01-01 00:00"),
    ("Mitte Januar", "de", FRI, "win 2027-01-11 00:00 | 2027-01-21 00:00"),
    ("im Januar", "de", FRI, "win 2027-01-01 00:00 | 2027-02-01 00:00"),
    ("Anfang nächsten Monats", "de", FRI, "win 2026-12-01 00:00 | 2026-12-11 00:00"),
    # --- spoken and numeric dates ------------------------------------------------------------
    ("Dienstag, den 8. Dezember", "de", FRI, "date 2026-12-08"),
    ("Dienstag, den 9. Dezember", "de", FRI, "none weekday_date_conflict"),
    ("am 1.12.", "de", FRI, "date 2026-12-01"),
    ("am 31.", "de", FRI, "date 2026-12-31"),
    ("den 28. um 9", "de", FRI, "dt 2026-11-28 09:00"),
    ("am fünfundzwanzigsten", "de", FRI, "date 2026-11-25"),
    ("am einunddreißigsten Dezember um zehn", "de", FRI, "dt 2026-12-31 10:00"),
    ("am dritten", "de", FRI, "date 2026-12-03"),
    ("Samstag, 5. Dezember 2026 um 11:00", "de", FRI, "dt 2026-12-05 11:00"),
    # --- formal values from the LLM -----------------------------------------------------------
    ("2026-11-21", "de", FRI, "date 2026-11-21"),
    ("21.11.2026", "de", FRI, "date 2026-11-21"),
    ("21.11.", "de", FRI, "date 2026-11-21"),
    ("2026-11-21 14:30", "de", FRI, "dt 2026-11-21 14:30"),
    ("21.11.2026 14:30", "de", FRI, "dt 2026-11-21 14:30"),
    ("2026-11-21T14:30:00+01:00", "de", FRI, "dt 2026-11-21 14:30"),
    ("2026-11-21T14:30:00+02:00", "de", FRI, "dt 2026-11-21 13:30"),
    ("14:30", "de", FRI, "dt 2026-11-20 14:30"),
    ("14 Uhr", "de", FRI, "dt 2026-11-20 14:00"),
    ("15:00", "de", FRI, "dt 2026-11-20 15:00"),
    ("07:00", "de", FRI, "dt 2026-11-20 07:00"),
    ("5.12.26", "de", FRI, "date 2026-12-05"),
    ("04.01. 14 Uhr", "de", FRI, "dt 2027-01-04 14:00"),
    ("15", "de", FRI, "dt 2026-11-20 15:00"),
    # --- past-date repair, invalid dates ------------------------------------------------------
    ("Donnerstag, 26.10.2023", "de", FRI, "date 2026-11-26"),
    # a past-year date alone: silent repair only when the day-month keeps its weekday (CONTRACT 14)
    ("26.10.2023", "de", FRI, "none ambiguous_past_date"),  # a Thursday then, a Tuesday in 2027
    ("26.11.2020", "de", FRI, "date 2026-11-26"),  # a Thursday then and now
    ("2020-11-27", "de", FRI, "date 2026-11-27"),  # a Friday then and now
    ("Freitag, 27.10.2023", "de", FRI, "date 2026-11-27"),
    ("Montag, 27.10.2023", "de", FRI, "none ambiguous_past_date"),
    ("2023-10-26 14:30", "de", FRI, "none ambiguous_past_date"),
    ("2020-11-26 14:30", "de", FRI, "dt 2026-11-26 14:30"),
    ("31.02.", "de", FRI, "none invalid_date"),
    ("32.11.2026", "de", FRI, "none invalid_date"),
    ("2026-13-01", "de", FRI, "none invalid_date"),
    ("0000-01-01", "de", FRI, "none invalid_date"),
    ("29.02.2027", "de", FRI, "none invalid_date"),
    ("29.02.", "de", FRI, "date 2028-02-29"),
    ("um 25:00", "de", FRI, "none invalid_time"),
    # --- offsets ------------------------------------------------------------------------------
    ("in einer Viertelstunde", "de", FRI, "dt 2026-11-20 10:15"),
    ("in 20 Minuten", "de", FRI, "dt 2026-11-20 10:20"),
    ("in zwei Stunden", "de", FRI, "dt 2026-11-20 12:00"),
    ("in anderthalb Stunden", "de", FRI, "dt 2026-11-20 11:30"),
    # --- fillers, false starts, self-corrections ----------------------------------------------
    ("ähm ja also am besten Donnerstag so gegen halb fünf wenn's geht", "de", FRI, "dt 2026-11-26 16:30"),
    ("äh Montag, nee, doch lieber Dienstag um zehn", "de", FRI, "dt 2026-11-24 10:00"),
    ("also ich dachte so an nächste Woche Mittwoch nachmittags", "de", FRI, "win 2026-11-25 12:00 | 2026-11-25 18:00"),
    ("hätten Sie morgen zwischen zwei und vier was frei", "de", FRI, "win 2026-11-21 14:00 | 2026-11-21 16:00"),
    ("nicht Montag sondern Dienstag", "de", FRI, "date 2026-11-24"),
    ("Dienstag, nicht Montag", "de", FRI, "date 2026-11-24"),
    ("Montag geht nicht, aber Dienstag", "de", FRI, "date 2026-11-24"),
    ("um drei, nein, lieber um vier", "de", FRI, "dt 2026-11-20 16:00"),
    (
        "ja hallo ich bräuchte mal einen Termin so Ende nächster Woche",
        "de",
        FRI,
        "win 2026-11-26 00:00 | 2026-11-29 00:00",
    ),
    # --- DST and year rollover -----------------------------------------------------------------
    ("morgen um 10", "de", DST_OCT, "dt 2026-10-25 10:00"),
    ("morgen um 10", "de", DST_MAR, "dt 2027-03-28 10:00"),
    ("morgen Vormittag", "de", DST_OCT, "win 2026-10-25 08:00 | 2026-10-25 12:00"),
    ("übermorgen um halb drei", "de", DST_MAR, "dt 2027-03-29 14:30"),
    ("nächste Woche", "de", DST_OCT, "win 2026-10-26 00:00 | 2026-11-02 00:00"),
    ("am 2. Januar", "de", DEC30, "date 2027-01-02"),
    ("am zweiten Januar um 10", "de", DEC30, "dt 2027-01-02 10:00"),
    ("nächste Woche", "de", DEC30, "win 2027-01-04 00:00 | 2027-01-11 00:00"),
    ("übermorgen", "de", DEC30, "date 2027-01-01"),
    ("am 5.", "de", DEC30, "date 2027-01-05"),
    ("im Dezember", "de", DEC30, "win 2026-12-30 00:00 | 2027-01-01 00:00"),
    ("Anfang nächsten Monats", "de", DEC30, "win 2027-01-01 00:00 | 2027-01-11 00:00"),
    ("on January 3rd at 2pm", "en", DEC30, "dt 2027-01-03 14:00"),
    ("the second of January", "en", DEC30, "date 2027-01-02"),
    # --- English ------------------------------------------------------------------------------
    ("half past two", "en", FRI, "dt 2026-11-20 14:30"),
    ("ten to five", "en", FRI, "dt 2026-11-20 16:50"),
    ("twenty past three", "en", FRI, "dt 2026-11-20 15:20"),
    ("five past nine", "en", FRI, "dt 2026-11-20 09:05"),
    ("at 3 p.m.", "en", FRI, "dt 2026-11-20 15:00"),
    ("at 10am", "en", FRI, "dt 2026-11-20 10:00"),
    ("at seven pm", "en", FRI, "dt 2026-11-20 19:00"),
    ("7 o'clock", "en", FRI, "dt 2026-11-20 19:00"),
    ("around 11", "en", FRI, "dt 2026-11-20 11:00"),
    ("at 9 am on Monday", "en", FRI, "dt 2026-11-23 09:00"),
    ("Monday at 10 in the morning", "en", FRI, "dt 2026-11-23 10:00"),
    ("at 3 in the afternoon", "en", FRI, "dt 2026-11-20 15:00"),
    ("at 8 in the evening", "en", FRI, "dt 2026-11-20 20:00"),
    ("tomorrow morning", "en", FRI, "win 2026-11-21 08:00 | 2026-11-21 12:00"),
    ("tomorrow evening at 6", "en", FRI, "dt 2026-11-21 18:00"),
    ("Thursday afternoon", "en", FRI, "win 2026-11-26 12:00 | 2026-11-26 18:00"),
    ("tonight at 8", "en", FRI, "dt 2026-11-20 20:00"),
    ("next week", "en", FRI, "win 2026-11-23 00:00 | 2026-11-30 00:00"),
    ("the week after next", "en", FRI, "win 2026-11-30 00:00 | 2026-12-07 00:00"),
    ("this weekend", "en", FRI, "win 2026-11-21 00:00 | 2026-11-23 00:00"),
    ("late next week", "en", FRI, "win 2026-11-26 00:00 | 2026-11-29 00:00"),
    ("mid next week", "en", FRI, "win 2026-11-24 00:00 | 2026-11-27 00:00"),
    ("end of the month", "en", FRI, "win 2026-11-25 00:00 | 2026-12-01 00:00"),
    ("next month", "en", FRI, "win 2026-12-01 00:00 | 2027-01-01 00:00"),
    ("early December", "en", FRI, "win 2026-12-01 00:00 | 2026-12-11 00:00"),
    ("in December", "en", FRI, "win 2026-12-01 00:00 | 2027-01-01 00:00"),
    ("December 5", "en", FRI, "date 2026-12-05"),
    ("5 December 2026", "en", FRI, "date 2026-12-05"),
    ("Dec 5th", "en", FRI, "date 2026-12-05"),
    ("on the 3rd", "en", FRI, "date 2026-12-03"),
    ("the 1st of December at 11", "en", FRI, "dt 2026-12-01 11:00"),
    ("Friday the 4th at 10", "en", FRI, "dt 2026-12-04 10:00"),
    ("Saturday, November 21st", "en", FRI, "date 2026-11-21"),
    ("Saturday, November 22nd", "en", FRI, "none weekday_date_conflict"),
    ("between 2 and 4", "en", FRI, "win 2026-11-20 14:00 | 2026-11-20 16:00"),
    ("from 10 to 12", "en", FRI, "win 2026-11-20 10:00 | 2026-11-20 12:00"),
    ("after 4pm", "en", FRI, "win 2026-11-20 16:00 | 2026-11-20 20:00"),
    ("before noon", "en", FRI, "win 2026-11-20 08:00 | 2026-11-20 12:00"),
    ("after lunch", "en", FRI, "win 2026-11-20 12:00 | 2026-11-20 18:00"),
    ("at lunchtime", "en", FRI, "win 2026-11-20 11:00 | 2026-11-20 14:00"),
    ("today at 5", "en", FRI, "dt 2026-11-20 17:00"),
    ("tomorrow at 4:45", "en", FRI, "dt 2026-11-21 16:45"),
    ("Tuesday week", "en", FRI, "date 2026-12-01"),
    ("a week from today", "en", FRI, "date 2026-11-27"),
    ("two weeks from tomorrow", "en", FRI, "date 2026-12-05"),
    ("in three days", "en", FRI, "date 2026-11-23"),
    ("day after tomorrow at 11", "en", FRI, "dt 2026-11-22 11:00"),
    ("this Wednesday", "en", FRI, "date 2026-11-25"),
    ("coming Monday", "en", FRI, "date 2026-11-23"),
    ("the Tuesday after next", "en", FRI, "date 2026-12-01"),
    ("next Tuesday", "en", MON, "date 2026-11-17"),
    ("on Saturday morning at half nine", "en", FRI, "dt 2026-11-21 09:30"),
    ("at twelve thirty", "en", FRI, "dt 2026-11-20 12:30"),
    ("quarter past twelve", "en", FRI, "dt 2026-11-20 12:15"),
    ("2026-11-21 at 2pm", "en", FRI, "dt 2026-11-21 14:00"),
    ("in an hour and a half", "en", FRI, "dt 2026-11-20 11:30"),
    ("in 20 minutes", "en", FRI, "dt 2026-11-20 10:20"),
    ("not Monday, Tuesday", "en", FRI, "date 2026-11-24"),
    ("Monday doesn't work, how about Wednesday at 2", "en", FRI, "dt 2026-11-25 14:00"),
    ("uh so maybe like Wednesday at two thirty", "en", FRI, "dt 2026-11-25 14:30"),
    ("could I come in sometime next week in the afternoon", "en", FRI, "win 2026-11-23 12:00 | 2026-11-28 18:00"),
    ("between Monday and Wednesday", "en", FRI, "win 2026-11-23 00:00 | 2026-11-26 00:00"),
    ("not before 10", "en", FRI, "win 2026-11-20 10:00 | 2026-11-20 20:00"),
    ("this afternoon", "en", FRI, "win 2026-11-20 12:00 | 2026-11-20 18:00"),
    ("Tuesday instead of Monday", "en", FRI, "date 2026-11-24"),
    ("at 11 rather than at 10", "en", FRI, "dt 2026-11-20 11:00"),
    ("lieber um 11 statt um 10", "de", FRI, "dt 2026-11-20 11:00"),
    ("Freitag, den 27. November um halb vier", "de", FRI, "dt 2026-11-27 15:30"),
    ("in zwei Tagen um 15 Uhr", "de", FRI, "dt 2026-11-22 15:00"),
    ("Thursday anytime after 2", "en", FRI, "win 2026-11-26 14:00 | 2026-11-26 20:00"),
    ("on Tuesday the 24th at 3", "en", FRI, "dt 2026-11-24 15:00"),
]


def _local(s: str) -> datetime:
    return datetime.fromisoformat(s).replace(tzinfo=BERLIN)


def _check(text: str, lang: str, now_s: str, expected: str) -> None:
    now = datetime.fromisoformat(now_s).replace(tzinfo=BERLIN)
    w = parse_when(text, now, lang)
    kind, _, rest = expected.partition(" ")
    got = (w.kind, w.start, w.end, w.issues)
    if kind == "dt":
        assert w.kind == "datetime", got
        assert w.start.replace(tzinfo=None) == datetime.fromisoformat(rest), got
        assert w.end is None
    elif kind == "date":
        assert w.kind == "date", got
        assert w.start.date().isoformat() == rest, got
        assert w.start.time().hour == 0 and w.end.date() == w.start.date() + timedelta(days=1), got
    elif kind == "win":
        a, b = (x.strip() for x in rest.split("|"))
        assert w.kind == "window", got
        assert (w.start.replace(tzinfo=None), w.end.replace(tzinfo=None)) == (
            datetime.fromisoformat(a),
            datetime.fromisoformat(b),
        ), got
    else:
        assert w.kind == "none", got
        assert rest in w.issues, got
    if w.start is not None:
        # every datetime carries the zone's real offset for that local time
        assert w.start.utcoffset() == w.start.replace(tzinfo=None).replace(tzinfo=BERLIN).utcoffset()
        assert w.start.tzinfo is not None


def test_enough_own_phrases() -> None:
    assert len(CASES) >= 150
    assert len({(c[0], c[2]) for c in CASES}) == len(CASES)
    assert sum(1 for c in CASES if c[1] == "en") >= 50


@pytest.mark.parametrize(("text", "lang", "now", "expected"), CASES, ids=[f"{c[1]}:{c[0]}" for c in CASES])
def test_phrase(text: str, lang: str, now: str, expected: str) -> None:
    _check(text, lang, now, expected)
