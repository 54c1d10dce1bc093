//! English for the phrases of the case desk's finishing work (issue #18): the catalog import's
//! template and dry run, the queue's named assignee filter, the intake address.

pub(super) const MESSAGES: &[(&str, &str)] = &[
    (
        "先预览：列出将新增、变更、取消和不变的事项及每一处变更的字段，确认后才写入。",
        "Preview first: the items to be added, changed, retired or left unchanged, with every changed field; nothing is written until you confirm.",
    ),
    (
        "下载导入模板（XLSX，中文表头，含示例行）",
        "Download the import template (XLSX, Chinese headers, one sample row)",
    ),
    ("校验并预览", "Validate and preview"),
    ("导入", "Import"),
    ("导入模板", "Import template"),
    (
        "申请材料（随收件上传保存，PDF、OFD、JPEG、PNG）",
        "Materials (stored with the application; PDF, OFD, JPEG, PNG)",
    ),
    (
        "选中的文件随本表提交并存入材料库，办件页面可直接查看，无需再次上传。",
        "The chosen files are sent with this form and kept in the material store: the case page shows them, no second upload.",
    ),
    ("申请材料：", "Materials: "),
    ("已存入材料库的文件：", "Files kept in the material store: "),
    (
        "以下文件只登记了摘要，未能存入材料库，请在办件页面上传：",
        "Only the digests of these files were registered; upload them on the case page: ",
    ),
];
