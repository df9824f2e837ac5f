"""The small-cell rule with complementary suppression, on tables worked out by hand."""

from followup import suppression
from followup.suppression import binary, one_way, share_text, text, two_way


def test_a_table_without_small_cells_shows_everything():
    assert one_way([10, 20, 30]) == suppression.OneWay(cells=[False, False, False], total=False)


def test_one_small_cell_hides_the_next_smallest_too():
    # 3 + 10 + 20 = 33: with 3 alone hidden, 33 − 10 − 20 would give it away.
    assert one_way([3, 10, 20]).cells == [True, True, False]


def test_two_small_cells_need_nothing_more():
    assert one_way([3, 2, 20]).cells == [True, True, False]


def test_a_zero_counts_as_a_small_cell():
    # Women 9, men 5, other 0 of 14: the 0 is hidden, so the 5 is hidden with it.
    assert one_way([9, 5, 0]).cells == [False, True, True]


def test_a_small_total_hides_every_cell():
    assert one_way([2, 1]) == suppression.OneWay(cells=[True, True], total=True)


def test_the_complement_of_a_count_is_protected():
    # The pilot: 10 of 14 live alone, so 4 do not; "10" would give the 4 away.
    assert binary(10, 14) is True
    assert binary(10, 20) is False
    # 3 of 20: hidden, and the total can stay (the 17 others are not shown either).
    assert binary(3, 20) is True
    assert one_way([3], total=20).total is False
    assert binary(20, 20) is False


def test_a_remainder_of_the_parts_counts_as_hidden():
    # 6 + 7 shown of 16: the 3 not in any part are small, so one part goes too (the 6).
    assert one_way([6, 7], total=16).cells == [True, False]


def test_people_drive_the_suppression_of_other_counts():
    # 12 goals of 3 people and 9 goals of 8 people: the first is hidden, and the second
    # too, since the total (21 goals) would give the first away.
    assert one_way([12, 9], people=[3, 8]).cells == [True, True]


def test_a_two_way_table_is_protected_per_row_and_per_column():
    # Rows: 3 10 | 13 ; 8 9 | 17 ; columns 11 19 | 30.
    # Row 0 has the 3 alone: hide the 10. Column 0 has the 3 alone: hide the 8.
    # Column 1 has the 10 alone: hide the 9. Every line now has two: stable.
    result = two_way([[3, 10], [8, 9]])
    assert result.cells == [[True, True], [True, True]]
    assert result.row_totals == [False, False]
    assert result.column_totals == [False, False]
    assert result.grand_total is False


def test_a_two_way_table_hides_only_what_it_must():
    # 2 | 10 | 20        The 2 in row 0 takes the 10 with it (row 0);
    # 6 | 30 | 40        column 0 then has 2 alone: the 6 goes; column 1 has
    # 7 | 50 | 60        10 alone: the 30 goes. Row 1: 6 and 30, two. Stable.
    result = two_way([[2, 10, 20], [6, 30, 40], [7, 50, 60]])
    assert result.cells == [
        [True, True, False],
        [True, True, False],
        [False, False, False],
    ]


def test_a_small_margin_is_protected_among_the_margins():
    # Row totals 4 and 20 (and 24): the row of 4 is all hidden, and its total 4 too, so the
    # other row total (20) goes with it: 24 − 20 would give the 4 away. Columns 0 and 1
    # each have one hidden cell, so the 10s below them go too.
    result = two_way([[1, 3], [10, 10]])
    assert result.row_totals == [True, True]
    assert result.cells == [[True, True], [True, True]]
    assert result.column_totals == [False, False]
    assert result.grand_total is False


def test_display_strings():
    assert text(2633, False) == "2\u00a0633"
    assert text(3, True) == "<5"
    # Hidden only to protect a small cell: not "<5", which would be untrue.
    assert text(7, True) == "–"
    assert share_text(10, 14, True) == "–"
    assert share_text(3, 14, True) == "<5"
    assert share_text(7, 14, False) == "50\u00a0%"
    assert share_text(7, 4, False) == "<5"


def test_the_flow_protects_the_complement_of_each_step():
    from followup.indicators import flow_hidden

    flow = {
        "received": 14,
        "joint_visit_done": 12,  # the 2 not visited would follow: hidden
        "handed_over": 0,
        "decided": 14,
        "followed_up": 6,  # 8 not followed up: shown
        "intervention_cases": 10,  # 4 without: hidden
        "track_1": 0,
        "track_2": 14,  # the two empty tracks are two hidden cells: shown
        "track_3": 0,
    }
    assert flow_hidden(flow) == {
        "received": False,
        "joint_visit_done": True,
        "handed_over": True,
        "decided": False,
        "followed_up": False,
        "intervention_cases": True,
        "track_1": True,
        "track_2": False,
        "track_3": True,
    }


def test_the_reports_closures_protect_a_lone_small_reason():
    from followup.reports import rows

    closures = [
        {"reason": "moved", "people": 3, "cases": 3},
        {"reason": "needs_ended", "people": 12, "cases": 12},
        {"reason": "declined", "people": 9, "cases": 9},
    ]
    # 3 alone would follow from the 24 closed; the 9 goes with it.
    assert [row["people"] for row in rows.closure_rows(closures)] == ["<5", "12", "–"]
