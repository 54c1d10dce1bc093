//! English for the materials desk's phrases (`case_materials.html`, `case_notice_form.html`,
//! `case_notice.html`), kept apart from the main table so that file stays within bounds.

pub(super) const MESSAGES: &[(&str, &str)] = &[
    ("一次性告知书", "One-time notice (一次性告知书)"),
    (
        "一次性告知书（打印）",
        "One-time notice, to print (一次性告知书)",
    ),
    ("上传", "Upload"),
    ("上传时间", "Uploaded"),
    ("上传材料", "Upload materials"),
    (
        "下载（OFD阅读器打开）",
        "Download (open with an OFD reader)",
    ),
    ("事项要求的材料", "Materials the item requires"),
    ("你（单位）于", "On"),
    ("其他材料名称", "Other material's name"),
    (
        "其他需补正的材料（每行一项，可不填）",
        "Other materials to supply (one per line, optional)",
    ),
    ("其他（在下面填写）", "Other (name it below)"),
    ("勾选需补正的材料", "Tick the materials to supply"),
    ("在浏览器中预览", "Preview in the browser"),
    ("大小", "Size"),
    (
        "如：请提交加盖公章的原件",
        "e.g. hand in the original with the official seal",
    ),
    ("尚未上传文件", "No files uploaded yet"),
    ("已收到", "received"),
    ("已收到的文件", "Files received"),
    ("必交", "required"),
    ("打印", "Print"),
    ("按文件名登记", "By the file's name"),
    ("提出的", "you applied for"),
    ("文件（PDF、OFD、JPEG、PNG）", "Files (PDF, OFD, JPEG, PNG)"),
    (
        "文件（上传保存，PDF、OFD、JPEG、PNG）",
        "Files (stored; PDF, OFD, JPEG, PNG)",
    ),
    ("未收到", "not received"),
    (
        "申请，经审查，申请材料不齐全或者不符合法定形式。根据《中华人民共和国行政许可法》第三十二条第一款第（四）项的规定，现一次告知你（单位）需要补正的全部内容如下：",
        "; the application materials are incomplete or not in the legal form. Under Article 32(1)(4) of the Administrative Licensing Law, everything to supply or correct is listed below, once:",
    ),
    ("登记的材料摘要", "Registered material digests"),
    ("目录未列出材料", "The catalog lists no materials"),
    (
        "补正材料一次性告知书",
        "One-time notice of materials to supply (补正材料一次性告知书)",
    ),
    ("补正要求", "What to do"),
    ("补正要求说明", "Note to the applicant"),
    (
        "请按上述要求补正全部材料后再次提交。",
        "Please supply everything listed above and hand it in again.",
    ),
    ("问题", "Problem"),
    ("缺少", "Missing"),
    ("需更正", "To correct"),
];
