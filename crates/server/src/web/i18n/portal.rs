//! English for the public portal's phrases (`portal.html`, `guides.html`, `guide.html`, and the
//! plain-words additions to the progress, verification and log pages; issue #19), kept apart
//! from the main table so that file stays within bounds.

pub(super) const MESSAGES: &[(&str, &str)] = &[
    ("不适用", "Does not apply"),
    (
        "例如：食品经营许可",
        "e.g. 食品经营许可 (food business licence)",
    ),
    ("全部办事指南", "All service guides"),
    ("准予许可的决定", "Licences granted"),
    ("凭办件编号和查询码", "With the case number and query code"),
    ("办事入口", "Services"),
    ("办事指南", "Service guides"),
    (
        "办件编号和查询码印在收件凭证上；空格、短横线和大小写都不影响查询。",
        "The case number and query code are printed on your receipt; spaces, dashes and upper or lower case do not matter.",
    ),
    ("办理地点和时间", "Where and when to apply"),
    ("办理形式", "How to apply"),
    ("办理时间", "Opening hours"),
    ("办理时限", "Time limits"),
    ("办理流程", "Procedure"),
    ("可用电子证照代替", "an electronic licence may stand in"),
    ("告知承诺", "Notification and commitment (告知承诺)"),
    ("咨询电话", "Enquiries"),
    ("地点", "Place"),
    ("大厅", "Service hall"),
    ("容缺受理", "Acceptance with materials to follow (容缺受理)"),
    ("必须提供", "required"),
    ("打印本指南", "Print this guide"),
    ("技术细节", "Technical details"),
    ("搜索事项名称或编码", "Search by item name or code"),
    ("搜索办理事项", "Search the items"),
    ("收件、办结、按时率", "Received, decided, on time"),
    ("政务服务", "Government services"),
    ("有效期", "Valid"),
    ("服务对象", "For"),
    (
        "本事项暂无可下载的空白表格和示范样表，请按上列清单准备材料，或到窗口领取。",
        "No blank or sample forms are on file for this item: prepare the materials listed above, or ask at the window.",
    ),
    (
        "条件、材料、时限、地点",
        "Conditions, materials, limits, place",
    ),
    (
        "查找办事指南、查询办件进度、核验电子证照，无需登录。",
        "Find a service guide, check an application's progress or verify an electronic licence, without signing in.",
    ),
    ("核验", "Verify"),
    ("每一次审批都可核验", "Every decision can be checked"),
    (
        "每个事项的申请条件、设定依据、申请材料、收费、办理时限、办理流程和地点依法公开（行政许可法第三十条）。",
        "Each item's conditions, legal basis, materials, fees, time limits, procedure and place are public by law (Licensing Law Art. 30).",
    ),
    ("没有符合条件的事项", "No item matches"),
    ("热门事项", "Popular items"),
    (
        "特别程序（不计入时限）",
        "Special procedures (not counted in the limits)",
    ),
    ("现场办理", "Apply in person"),
    ("申请条件", "Conditions"),
    ("编码", "Code"),
    ("翻页", "Pages"),
    ("菜单", "Menu"),
    ("视情况提供", "if applicable"),
    ("许可事项（范围）", "Licensed item (scope)"),
    ("证照状态", "Licence state"),
    (
        "输入证照编号或扫码",
        "Type the licence number or scan its code",
    ),
    ("近90天收件", "received in 90 days"),
    ("近90天收件最多", "most received in the last 90 days"),
    (
        "近期暂无收件，请从办事指南中查找事项。",
        "No applications lately: find an item in the service guides.",
    ),
    (
        "这里是本局的公开记录本：每一次收件、受理、决定和签章都按顺序记下一条，只能追加，不能修改或删除。记录里没有申请人的姓名、证件号和电话，只有办件编号和步骤。“检查点”是本局对整本记录的签名摘要；您的浏览器可以自己计算核对，不必相信本网站。普通办事群众无需操作，查询进度请用“进度查询”。",
        "This is the bureau's public record book: every receipt, acceptance, decision and seal is written down in order, and can only be added to, never changed or deleted. It holds no applicant's name, ID or phone number, only case numbers and steps. A \"checkpoint\" is the bureau's signed summary of the whole book; your browser can check it by itself, without trusting this site. Applicants need not do anything here: to follow an application, use \"Check progress\".",
    ),
    (
        "适用：可以书面承诺代替部分证明材料",
        "Applies: a written commitment may stand in for some proofs",
    ),
    (
        "适用：非关键材料可以在受理后补交",
        "Applies: non-key materials may follow after acceptance",
    ),
];
