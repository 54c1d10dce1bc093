//! The phrases of the applicant's address and the granted scope (issue #18 item 4) and of the
//! progress page's missing materials (issue #19 item 8), kept apart from the main table so that
//! parallel work on other pages does not edit the same lines.

pub(super) const SCOPE: &[(&str, &str)] = &[
    (
        "住所/经营场所",
        "Address / business premises (住所/经营场所)",
    ),
    (
        "住所/经营场所（选填）",
        "Address / business premises (optional)",
    ),
    (
        "单位的住所或经营场所印在证照上并公开；个人的住所只印在发给本人的证照上，不公开",
        "An organisation's address is printed on its licence and public; a person's address is printed only on the licence handed to them, never published",
    ),
    ("许可事项", "Licensed item"),
    ("许可范围", "Scope of the licence (许可范围)"),
    (
        "许可范围（经营项目，选填；不填则为申请事项）",
        "Scope granted (business items; optional, the item applied for when left empty)",
    ),
    ("需要补正的材料", "Materials to supply or correct"),
    (
        "另有其他需补正的内容，详见一次性告知书",
        "More to supply or correct: see the one-time notice",
    ),
    (
        "具体要求以一次性告知书为准，可在下方“文书”中下载。",
        "The one-time notice states what is required; download it under the documents below.",
    ),
];
