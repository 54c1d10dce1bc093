//! The phrases of issue #21's remaining gaps (the extension's later notice, Art. 42; false
//! materials at non-acceptance, Art. 78; the construction permit's start of work, 建筑法 Art. 9),
//! kept apart from the main table so that parallel work on other pages does not edit the same
//! lines.

pub(super) const LAW_GAPS: &[(&str, &str)] = &[
    ("告知延期", "Notify the extension (告知延期)"),
    (
        "尚未告知申请人的，日期留空，告知后另行记录“告知延期”",
        "Not told yet: leave the date empty and record the notice (告知延期) once given",
    ),
    (
        "告知申请人延长期限（第四十二条）",
        "Tell the applicant of the extension (Art. 42)",
    ),
    (
        "已批准延长、尚未告知申请人的工作日",
        "Working days approved and not yet told to the applicant",
    ),
    (
        "原期限届满前应当将延长期限的理由告知申请人",
        "The applicant must be told of the extension and its reason before the original limit ends",
    ),
    ("今日已告知", "Told today"),
    (
        "不予受理（隐瞒有关情况或者提供虚假材料，第七十八条）",
        "Not accepted: concealed facts or false materials (Art. 78)",
    ),
    ("开工期限", "Start of work by (建筑法 Art. 9)"),
    ("已开工", "Work started"),
    (
        "已申请延期开工，待发证机关决定",
        "A later start was requested; the issuing body has yet to decide",
    ),
    ("现开工期限", "current deadline"),
    (
        "逾期未开工，依建筑法第九条施工许可证已自行废止",
        "Not started by the deadline: the permit has lapsed (自行废止, 建筑法 Art. 9)",
    ),
    ("延期开工", "Later start (延期开工)"),
    ("已准予延期", "Extensions granted"),
    (
        "次（延期以两次为限，每次不超过三个月）",
        "(at most two, of three months each)",
    ),
    ("不予延期", "Refused"),
    (
        "准予延期开工（建筑法第九条）",
        "Grant a later start (建筑法 Art. 9)",
    ),
    ("延期后的开工期限", "New start deadline"),
    (
        "每次延期不超过三个月，延期以两次为限",
        "Each extension at most three months; at most two",
    ),
    ("准予延期", "Grant"),
    ("不予延期开工", "Refuse a later start"),
    (
        "不予延期的，原开工期限不变；期满未开工的，施工许可证自行废止",
        "When refused the deadline stands; a permit not started by it lapses",
    ),
    (
        "应于此日前开工（建筑法第九条）",
        "Work must start by (建筑法 Art. 9)",
    ),
    (
        "记录开工（建筑法第九条）",
        "Record the start of work (建筑法 Art. 9)",
    ),
    ("开工日期", "Start date"),
    ("来源", "Source"),
    ("被许可人报告", "Reported by the holder"),
    ("本局核实", "Found by the bureau"),
    ("记录开工", "Record the start"),
    (
        "申请延期开工（建筑法第九条）",
        "Request a later start (建筑法 Art. 9)",
    ),
    (
        "因故不能按期开工的，被许可人应当在期满前向发证机关申请延期",
        "A holder who cannot start in time must ask the issuing body for a later start before the deadline",
    ),
    ("登记延期申请", "Record the request"),
];
