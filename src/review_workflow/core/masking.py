"""Mask personal information before it is disclosed: ID-card and telephone numbers.

Disclosure (行政执法公示) must never show an individual's full 居民身份证号码 or mobile number.
An organisation's 统一社会信用代码 is public and stays as it is. Pure functions, no I/O.
"""

from __future__ import annotations

import datetime as dt
import re

MASK = "*"

# 居民身份证号码 (GB 11643): 6-digit region, birth date, 3-digit sequence, check character.
_ID18 = re.compile(r"[1-9]\d{5}(\d{8})\d{3}[\dX]")
_ID15 = re.compile(r"[1-9]\d{5}(\d{6})\d{3}")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# 统一社会信用代码 (GB 32100): 31 characters without I, O, Z, S, V; the 18th is a check character.
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# Inside free text a number may be written in groups — spaces, dashes, full-width digits and separators,
# mixed — so a run of digit groups is found first, then the numbers inside it are read on the digits
# alone. A run is one only when no letter or digit (half- or full-width) touches it.
_DIGIT = "0-9\uff10-\uff19"
_SEPARATOR = " \u00a0\u3000\\-\u2010-\u2015\u2212\uff0d"  # spaces, hyphens and dashes, full-width too
_WORD = "0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"
_RUN = re.compile(
    rf"(?<![{_WORD}])[{_DIGIT}]+(?:[{_SEPARATOR}]{{1,3}}[{_DIGIT}]+)*[Xx\uff38\uff58]?(?![{_WORD}])"
)
_GROUP = re.compile(rf"[{_DIGIT}]+[Xx\uff38\uff58]?")
_FOLD = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789Xx")
_MOBILE = re.compile(r"(0086|86)?(1[3-9]\d{9})")
_LONGEST = 18

# Three-digit area codes: 010 (Beijing) and 02x; every other area code has four digits.
_LANDLINE = re.compile(r"\(?(0(?:10|2\d|[3-9]\d{2}))\)?[- ]?(\d{7,8})")


def _is_date(text: str, century: str = "") -> bool:
    try:
        dt.datetime.strptime(century + text, "%Y%m%d")
    except ValueError:
        return False
    return True


def _id_check_ok(number: str) -> bool:
    total = sum(int(c) * w for c, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17]


def _uscc_check_ok(code: str) -> bool:
    if any(c not in _USCC_CHARS for c in code):
        return False
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(code[:17], _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31] == code[17]


def is_id_card_number(value: str) -> bool:
    """A 居民身份证号码: 18 characters (or the old 15 digits) with a real birth date.

    An all-digit 统一社会信用代码 that happens to carry a date is told apart by the check characters:
    it is an ID number unless it passes the credit-code check and fails the ID-card one.
    """
    s = value.strip().upper()
    m18 = _ID18.fullmatch(s)
    if m18:
        birth = m18.group(1)
        if not (birth[:2] in ("18", "19", "20") and _is_date(birth)):
            return False
        return _id_check_ok(s) or not _uscc_check_ok(s)
    m15 = _ID15.fullmatch(s)
    return m15 is not None and _is_date(m15.group(1), "19")


def fold_digits(value: str) -> str:
    """Full-width digits and Ｘ as ASCII, separators (spaces, dashes, full-width too) dropped."""
    return "".join(_GROUP.findall(value)).translate(_FOLD)


def mask_id_number(value: str | None) -> str:
    """Mask the birth date of an ID-card number; anything else (a credit code) is returned as it is.
    A number written in groups or in full-width digits is masked as its plain digits.

    410102199001011234 → 410102********1234; 410102900101123 → 410102******123.
    """
    if not value:
        return ""
    s = str(value).strip()
    if _RUN.fullmatch(s) and not is_id_card_number(s):
        s = fold_digits(s)
    if not is_id_card_number(s):
        return str(value)
    if len(s) == 18:
        return s[:6] + MASK * 8 + s[14:]
    return s[:6] + MASK * 6 + s[12:]


def mask_phone(value: str | None) -> str:
    """Mask a telephone number: a mobile keeps its first 3 and last 4 digits, a landline its area code
    and last 2 digits; any other number of 7 digits or more keeps only its last 2."""
    if not value:
        return ""
    s = str(value).strip()
    digits = re.sub(r"[\s()\-]", "", s)
    mobile = re.fullmatch(r"(\+?86|0086)?(1[3-9]\d{9})", digits)
    if mobile:
        prefix, number = mobile.groups()
        return (prefix + " " if prefix else "") + number[:3] + MASK * 4 + number[7:]
    landline = _LANDLINE.fullmatch(s)
    if landline:
        area, local = landline.groups()
        return f"{area}-{MASK * (len(local) - 2)}{local[-2:]}"
    count = sum(c.isdigit() for c in s)
    if count < 7:  # a service number such as 12315 is public
        return s
    keep = count - 2
    out = []
    for c in s:
        if c.isdigit() and keep > 0:
            out.append(MASK)
            keep -= 1
        else:
            out.append(c)
    return "".join(out)


def _masked_number(digits: str) -> tuple[int, str] | None:
    """An ID-card or mobile number spelled by these digits: how many leading digits to keep as they
    were written (a +86 prefix), and the masked number; None if it is neither."""
    if len(digits) in (15, 18) and is_id_card_number(digits):
        return 0, mask_id_number(digits)
    mobile = _MOBILE.fullmatch(digits)
    if mobile:
        prefix, number = mobile.groups()
        return len(prefix or ""), number[:3] + MASK * 4 + number[7:]
    return None


def _mask_run(run: str) -> str:
    """Mask each number inside a run of digit groups, trying from each group the longest spelling first."""
    groups = [(m.start(), m.end(), m.group().translate(_FOLD)) for m in _GROUP.finditer(run)]
    out, kept_to, i = [], 0, 0
    while i < len(groups):
        spellings, digits = [], ""
        for j in range(i, len(groups)):
            digits += groups[j][2]
            if len(digits) > _LONGEST:
                break
            spellings.append((j, digits))
        found = next(((j, m) for j, d in reversed(spellings) if (m := _masked_number(d))), None)
        if found is None:
            i += 1
            continue
        j, (keep, masked) = found
        digit_chars = [k for start, end, _ in groups[i : j + 1] for k in range(start, end)]
        out += [run[kept_to : digit_chars[keep]], masked]
        kept_to, i = groups[j][1], j + 1
    return "".join(out) + run[kept_to:]


def mask_personal_info(text: str | None) -> str:
    """Mask every ID-card and mobile number found inside a free text, however it is spelled."""
    if not text:
        return ""
    return _RUN.sub(lambda m: _mask_run(m.group(0)), str(text))


__all__ = ["is_id_card_number", "mask_id_number", "mask_personal_info", "mask_phone"]
