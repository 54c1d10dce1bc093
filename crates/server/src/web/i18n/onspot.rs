//! The phrases of the on-the-spot decision and the online receipt (issue #21 items 9–10), kept
//! apart from the main table so that parallel work on other pages does not edit the same lines.

pub(super) const ON_SPOT: &[(&str, &str)] = &[
    (
        "当场作出决定（第三十四条第二款）",
        "Decide on the spot (当场决定, Art. 34(2))",
    ),
    (
        "材料齐全、符合法定形式的，当场受理并以本局行政审批专用章作出准予许可决定",
        "Complete materials in legal form: accepted and granted now, sealed with the bureau's approval seal",
    ),
    ("当场受理并准予许可", "Accept and grant on the spot"),
    ("当场作出决定", "Decide on the spot (当场决定)"),
    ("当场决定", "Decided on the spot (当场决定)"),
    ("网上提交时间", "Submitted online at"),
];
