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
    # The 3 is small: row 0 and column 0 have a hidden cell, so their totals 13 and 11 go.
    # The row totals: 13 alone hidden of 30 → the 17 goes, and row 1 then has its total
    # alone → the 8 goes. The column totals: 11 alone → the 19 goes, and column 1 has its
    # total alone → the 9 goes. Left shown: the 10 and the 30, and 3 + 8 + 9 = 20 has many
    # answers.
    result = two_way([[3, 10], [8, 9]])
    assert result.cells == [[True, False], [True, True]]
    assert result.row_totals == [True, True]
    assert result.column_totals == [True, True]
    assert result.grand_total is False


def test_a_two_way_table_hides_only_what_it_must():
    # 2 | 10 | 20 (32)     The 2: row 0's total (32) and column 0's (15) go. Row totals:
    # 6 | 30 | 40 (76)     32 alone → the smaller other, 76, goes; row 1 has its total alone
    # 7 | 50 | 60 (117)    → its smallest cell, the 6. Column totals: 15 alone → 90 goes;
    # 15  90  120 (225)    column 1 alone → its smallest, the 10. Row 2 and column 2 stay.
    result = two_way([[2, 10, 20], [6, 30, 40], [7, 50, 60]])
    assert result.cells == [
        [True, True, False],
        [True, False, False],
        [False, False, False],
    ]
    assert result.row_totals == [True, True, False]
    assert result.column_totals == [True, True, False]
    assert result.grand_total is False


def test_a_small_margin_is_protected_among_the_margins():
    # Rows 1 3 | 4 and 10 10 | 20 (24). The 1 and the 3 are small, and so is their row's
    # total 4; both columns have a hidden cell, so their totals go. Row totals: 4 alone →
    # the 20 goes; row 1 then has its total alone → the first 10 goes. Left shown: the
    # second 10 and the 24.
    result = two_way([[1, 3], [10, 10]])
    assert result.row_totals == [True, True]
    assert result.cells == [[True, True], [True, False]]
    assert result.column_totals == [True, True]
    assert result.grand_total is False


def test_the_margins_cannot_be_solved_for_the_hidden_cells():
    # Every hidden cell small, every line with two of them, the margins shown: before, the
    # row totals 18 and 33 and the column totals gave each hidden cell away (as a reader of
    # the level grid found). Now the lines with hidden cells hide their totals.
    counts = [[10, 2, 16], [1, 20, 12]]
    result = two_way(counts)
    for r, row in enumerate(result.cells):
        if any(row):
            assert result.row_totals[r]
    for c in range(3):
        if any(result.cells[r][c] for r in range(2)):
            assert result.column_totals[c]


def test_display_strings():
    assert text(2633, False) == "2\u00a0633"
    assert text(3, True) == "<5"
    # Hidden only to protect a small cell: not "<5", which would be untrue.
    assert text(7, True) == "–"
    assert share_text(10, 14, True) == "–"
    # A hidden share is "–": "<5" in a share column would read as under 5 %.
    assert share_text(3, 14, True) == "–"
    assert share_text(7, 14, False) == "50\u00a0%"
    assert share_text(7, 4, False) == "–"


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
