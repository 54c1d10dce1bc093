//! The phrases of 容缺受理 (issue #19 item 6), kept apart from the main table so that parallel
//! work on other pages does not edit the same lines.

pub(super) const DEFERRAL: &[(&str, &str)] = &[
    ("容缺受理", "Accept with materials to follow (容缺受理)"),
    ("收到容缺材料", "Deferred materials received"),
    ("尚缺", "Still owed"),
    ("约定补交日期", "Agreed date"),
    ("核验并登记", "Check and record"),
    ("容缺补交", "Deferred, supplied later"),
    (
        "主要材料齐全；下列非关键材料由申请人书面承诺在约定日期前补交，材料补齐前证照暂缓发放",
        "Key materials complete; the applicant commits in writing to supply the non-key materials below by the agreed date; the licence is held until they arrive",
    ),
    (
        "容缺材料已提交，等待窗口核验。",
        "Materials sent; the window will check them.",
    ),
    ("提交容缺材料", "Send the materials"),
    ("容缺受理的材料", "Deferred materials"),
];
