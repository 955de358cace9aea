"""Personal information is masked before disclosure; an organisation's credit code is not."""

from __future__ import annotations

import pytest

from review_workflow.core.masking import is_id_card_number, mask_id_number, mask_personal_info, mask_phone

# Valid check characters (GB 11643 and GB 32100).
ID_CARD = "410102199003071230"
ID_CARD_X = "11010519491231002X"
OLD_ID_CARD = "410102900307123"
CREDIT_CODE = "91410100MA44ABCD1F"
DIGITS_CREDIT_CODE = "91440300708461136T"
# An all-digit credit code whose characters 7–14 read as a date (19900101): its check digit is the
# credit-code one, not the ID-card one.
DATE_LIKE_CREDIT_CODE = "914101199001011012"


# ---------------------------------------------------------------- ID-card numbers


def test_eighteen_digit_id_keeps_region_and_last_four_and_hides_the_birth_date() -> None:
    assert mask_id_number(ID_CARD) == "410102********1230"


def test_id_ending_in_x_is_masked_whatever_the_case_of_the_x() -> None:
    assert mask_id_number(ID_CARD_X) == "110105********002X"
    assert mask_id_number(ID_CARD_X.lower()) == "110105********002x"


def test_fifteen_digit_id_keeps_region_and_last_three() -> None:
    assert mask_id_number(OLD_ID_CARD) == "410102******123"


def test_id_with_a_wrong_check_digit_is_still_masked() -> None:
    # A typing slip must not publish a person's number.
    assert mask_id_number("410102199003071239") == "410102********1239"


@pytest.mark.parametrize("code", [CREDIT_CODE, DIGITS_CREDIT_CODE, DATE_LIKE_CREDIT_CODE])
def test_credit_code_of_an_organisation_is_not_masked(code: str) -> None:
    assert not is_id_card_number(code)
    assert mask_id_number(code) == code


@pytest.mark.parametrize("value", ["410102199013071230", "410102199002301230", "410102170003071230"])
def test_eighteen_digits_without_a_real_birth_date_are_not_an_id(value: str) -> None:
    assert mask_id_number(value) == value


@pytest.mark.parametrize("value", [None, ""])
def test_blank_id_masks_to_empty(value: str | None) -> None:
    assert mask_id_number(value) == ""


def test_surrounding_spaces_do_not_hide_an_id_from_the_mask() -> None:
    assert mask_id_number(f" {ID_CARD} ") == "410102********1230"


# ---------------------------------------------------------------- telephone numbers


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13800138000", "138****8000"),
        ("138 0013 8000", "138****8000"),
        ("138-0013-8000", "138****8000"),
        ("+86 13912345678", "+86 139****5678"),
    ],
)
def test_mobile_keeps_first_three_and_last_four(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("0371-12345678", "0371-******78"),
        ("(0371)12345678", "0371-******78"),
        ("010-87654321", "010-******21"),
        ("02112345678", "021-******78"),
        ("0379-6543210", "0379-*****10"),
    ],
)
def test_landline_keeps_area_code_and_last_two(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


def test_unrecognised_long_number_keeps_only_its_last_two_digits() -> None:
    assert mask_phone("0371-12345678-801") == "****-********-*01"


def test_short_public_service_number_is_left_alone() -> None:
    assert mask_phone("12315") == "12315"


@pytest.mark.parametrize("value", [None, ""])
def test_blank_phone_masks_to_empty(value: str | None) -> None:
    assert mask_phone(value) == ""


# ---------------------------------------------------------------- free text


def test_id_and_mobile_inside_a_sentence_are_masked() -> None:
    text = f"当事人张某（公民身份号码{ID_CARD}，联系电话13800138000）经营场所位于某路1号。"
    assert mask_personal_info(text) == (
        "当事人张某（公民身份号码410102********1230，联系电话138****8000）经营场所位于某路1号。"
    )


def test_several_numbers_in_one_text_are_all_masked() -> None:
    text = f"{ID_CARD}、{OLD_ID_CARD}；电话138-0013-8000或+8613912345678"
    assert mask_personal_info(text) == (
        "410102********1230、410102******123；电话138****8000或+86139****5678"
    )


def test_credit_code_amounts_and_dates_in_a_text_are_left_alone() -> None:
    text = (
        f"某公司（统一社会信用代码{CREDIT_CODE}、{DATE_LIKE_CREDIT_CODE}）"
        "于2026-02-13被罚款200000元，文号郑市监〔2026〕12号，账号6222021234567890123。"
    )
    assert mask_personal_info(text) == text


def test_a_mobile_shaped_run_inside_a_longer_number_is_not_cut_out() -> None:
    assert mask_personal_info("订单号2138001380001") == "订单号2138001380001"


@pytest.mark.parametrize("value", [None, ""])
def test_blank_text_masks_to_empty(value: str | None) -> None:
    assert mask_personal_info(value) == ""


# ---------------------------------------------------------------- however a number is spelled

FW = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


@pytest.mark.parametrize(
    ("written", "masked"),
    [
        # 居民身份证号码, 18 characters
        ("410102199003071230", "410102********1230"),
        ("410102 19900307 1230", "410102********1230"),
        ("410102-19900307-1230", "410102********1230"),
        ("4101 0219 9003 0712 30", "410102********1230"),
        ("410102　19900307　1230", "410102********1230"),  # full-width spaces
        ("410102－19900307－1230", "410102********1230"),  # full-width hyphen-minus
        ("410102—19900307—1230", "410102********1230"),  # em dash
        ("410102199003071230".translate(FW), "410102********1230"),
        ("４１０１０２ 1990０３０７-１２３０", "410102********1230"),  # mixed widths and separators
        ("11010519491231002X", "110105********002X"),
        ("11010519491231002x", "110105********002x"),
        ("110105 19491231 002X", "110105********002X"),
        ("11010519491231002X".translate(FW), "110105********002X"),
        ("１１０１０５ １９４９１２３１ ００２ｘ", "110105********002x"),
        ("410102 900307 123", "410102******123"),  # the old 15 digits
        # mobile numbers
        ("13800138000", "138****8000"),
        ("138 0013 8000", "138****8000"),
        ("138-0013-8000", "138****8000"),
        ("138　0013　8000", "138****8000"),
        ("138－0013－8000", "138****8000"),
        ("13800138000".translate(FW), "138****8000"),
        ("１３８ ００１３-８０００", "138****8000"),
        ("+86 138 0013 8000", "+86 138****8000"),
        ("+86-13800138000", "+86-138****8000"),
        ("0086 13800138000", "0086 138****8000"),
    ],
)
def test_a_number_is_masked_however_it_is_written(written: str, masked: str) -> None:
    assert mask_personal_info(f"当事人（{written}）") == f"当事人（{masked}）"


@pytest.mark.parametrize(
    "text",
    [
        "郑市监罚〔2026〕12号",  # a 文号
        "２０２６年３月２日",  # a date, full-width
        "2026-03-02",
        "2026 03 02",
        "罚款 200000 元",  # an amount
        "罚款 1 000 000 元",
        "罚款１０００００元",
        "账号 6222 0212 3456 7890 123",  # a bank account: 19 digits
        "订单号2138001380001",
        "统一社会信用代码 91410100MA44ABCD1F",
        "12315",
        "0371-12345678",  # a landline, published by agencies themselves
    ],
)
def test_what_is_not_an_id_or_a_mobile_is_left_alone(text: str) -> None:
    assert mask_personal_info(text) == text


@pytest.mark.parametrize("written", ["4101 0219 9003 0712 30", "410102199003071230".translate(FW), "410102-19900307-1230"])
def test_an_id_field_written_in_groups_or_full_width_is_masked(written: str) -> None:
    assert mask_id_number(written) == "410102********1230"
