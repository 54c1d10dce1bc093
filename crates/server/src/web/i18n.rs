//! The visitor's display preferences: language (中文 by default, English on request) and
//! large text (适老化), both kept in cookies so they work without signing in and without script.
//!
//! The Chinese phrase is the message key: templates stay readable in Chinese, and a phrase
//! without an English entry falls back to Chinese rather than to a blank (a unit test checks that
//! every phrase the templates use has one). Data from the domain (statuses, step names, item
//! names) stays Chinese: those are the legal terms.
//!
//! A middleware reads the cookies once per request into a task-local, so every page's `Nav`
//! picks them up without each handler passing them along.

mod consultation;
mod hearing;
mod law;

use axum::extract::{Query, Request};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

pub const LANG_COOKIE: &str = "oneseal_lang";
pub const TEXT_COOKIE: &str = "oneseal_text";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

/// What the page frame needs from the visitor's cookies and request.
#[derive(Debug, Clone, Default)]
pub struct Prefs {
    pub lang: Lang,
    pub large_text: bool,
    /// This page's path and query, percent-encoded, for the switches to come back to.
    pub here: String,
}

tokio::task_local! {
    static PREFS: Prefs;
}

/// The preferences of the request being served (defaults outside a request).
pub fn current() -> Prefs {
    PREFS.try_with(Clone::clone).unwrap_or_default()
}

fn cookie<'a>(cookies: &'a str, name: &str) -> Option<&'a str> {
    cookies
        .split(';')
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

impl Prefs {
    fn from_request(req: &Request) -> Self {
        let cookies = req
            .headers()
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(";");
        let here = req
            .uri()
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_owned();
        Prefs {
            lang: match cookie(&cookies, LANG_COOKIE) {
                Some("en") => Lang::En,
                _ => Lang::Zh,
            },
            large_text: cookie(&cookies, TEXT_COOKIE) == Some("large"),
            here: encode(&here),
        }
    }
}

/// Serves the request with its preferences in scope.
pub async fn scope(req: Request, next: Next) -> Response {
    let prefs = Prefs::from_request(&req);
    PREFS.scope(prefs, next.run(req)).await
}

/// Percent-encodes a query value (everything but unreserved characters and `/`).
/// Percent-encodes `s` for a URL's query (letters, digits and `-_.~/` stay).
pub(crate) fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[derive(Debug, Default, Deserialize)]
pub struct Switch {
    lang: Option<String>,
    text: Option<String>,
    next: Option<String>,
}

/// Only a path on this site: never `//host` or `/\host`, which browsers treat as another origin.
/// Spaces, control characters and non-ASCII are percent-encoded, so the Location header is valid.
fn local_path(next: Option<String>) -> String {
    let Some(n) =
        next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\"))
    else {
        return "/".to_owned();
    };
    n.bytes()
        .map(|b| match b {
            0x21..=0x7e => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `GET /prefs?lang=en|zh&text=large|normal&next=/path`: sets the cookie(s) and goes back.
/// A GET is enough: it changes nothing but the visitor's own display cookie.
pub async fn switch(Query(s): Query<Switch>) -> Response {
    const YEAR: &str = "Path=/; Max-Age=31536000; SameSite=Lax";
    let mut cookies = Vec::new();
    if let Some(l) = s.lang.as_deref().filter(|l| matches!(*l, "en" | "zh")) {
        cookies.push(format!("{LANG_COOKIE}={l}; {YEAR}"));
    }
    if let Some(t) = s
        .text
        .as_deref()
        .filter(|t| matches!(*t, "large" | "normal"))
    {
        cookies.push(format!("{TEXT_COOKIE}={t}; {YEAR}"));
    }
    let mut resp = Redirect::to(&local_path(s.next)).into_response();
    for c in cookies {
        if let Ok(v) = header::HeaderValue::from_str(&c) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}

impl Lang {
    /// The `lang` attribute of the page.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The phrase in this language: the Chinese itself, or its English entry.
    pub fn t(self, zh: &str) -> &str {
        match self {
            Lang::Zh => zh,
            Lang::En => english(zh).unwrap_or(zh),
        }
    }
}

mod applicant;
mod bundles;
mod commitment;
mod deferral;
mod desk;
mod lawgaps;
mod materials;
mod onspot;
mod portal;
mod renewal;
mod representation;
mod scope;

fn english(zh: &str) -> Option<&'static str> {
    MESSAGES
        .iter()
        .chain(materials::MESSAGES)
        .chain(desk::MESSAGES)
        .chain(portal::MESSAGES)
        .chain(law::LAW)
        .chain(hearing::HEARING)
        .chain(consultation::CONSULTATION)
        .chain(renewal::RENEWAL)
        .chain(onspot::ON_SPOT)
        .chain(commitment::COMMITMENT)
        .chain(scope::SCOPE)
        .chain(lawgaps::LAW_GAPS)
        .chain(bundles::BUNDLES)
        .chain(applicant::APPLICANT)
        .chain(deferral::DEFERRAL)
        .chain(representation::REPRESENTATION)
        .find(|(k, _)| *k == zh)
        .map(|(_, en)| *en)
}

/// Chinese phrase → English. Domain terms keep their Chinese in parentheses.
const MESSAGES: &[(&str, &str)] = &[
    // Frame
    ("行政审批服务局", "Administrative Approval Service Bureau"),
    ("跳到正文", "Skip to content"),
    ("主导航", "Main"),
    ("工作台", "Home"),
    ("审管互动", "Supervision linkage (审管互动)"),
    ("监督预警", "Alerts (监督预警)"),
    ("领导驾驶舱", "Dashboard (领导驾驶舱)"),
    ("领导协调", "Coordination (领导协调)"),
    ("工程建设项目", "Construction projects (工程建设项目)"),
    ("我的待办", "My work"),
    ("逾期", "overdue"),
    (
        "在办件（按收件先后排序）",
        "Open cases (in order of receipt)",
    ),
    ("待认领推送", "Pushes to claim"),
    ("待处理预警", "Open alerts"),
    ("差评待整改", "Bad ratings to rectify"),
    (
        "未配置监管部门的推送",
        "Pushes without a supervising department",
    ),
    ("办件", "Cases"),
    ("事项目录", "Catalog"),
    ("目录导入", "Import"),
    ("进度查询", "Progress"),
    ("透明日志", "Log"),
    ("接口文档", "API docs"),
    ("退出", "Sign out"),
    ("登录", "Sign in"),
    ("显示设置", "Display"),
    ("大字模式", "Large text"),
    ("标准字号", "Normal text"),
    (
        "一枚印章管审批 · 每一次审批都记入可验证日志",
        "One seal for every approval · every decision is recorded in a verifiable log",
    ),
    // Sign-in, home, errors
    ("工作人员登录", "Staff sign-in"),
    ("工号", "Staff ID"),
    ("密码", "Password"),
    ("所属辖区", "Jurisdiction"),
    ("部门", "Department"),
    ("项行政许可事项", "licensing items (行政许可)"),
    ("项关联事项", "related items (关联事项)"),
    ("浏览目录", "Browse"),
    ("可验证日志", "Ledger"),
    ("条事件已记入", "events recorded"),
    ("出错了", "Error"),
    ("返回工作台", "Back home"),
    ("错误代码", "Error code"),
    // Catalog
    ("辖区", "Jurisdiction"),
    ("搜索", "Search"),
    ("名称或编码", "name or code"),
    ("类别", "Category"),
    ("领域", "Area"),
    ("办理地点", "Handled at"),
    ("全部", "All"),
    ("查询", "Search"),
    ("导出", "Export"),
    ("共", "Total"),
    ("项", "items"),
    ("页", "page"),
    ("基本编码", "Basic code"),
    ("事项名称", "Name"),
    ("原审批部门", "Original department"),
    ("监管部门", "Supervising department"),
    ("法定/承诺时限", "Statutory / promised limit"),
    ("上一页", "Previous"),
    ("下一页", "Next"),
    ("分页", "Pages"),
    ("演示生成", "generated (演示生成)"),
    ("返回目录", "Back to catalog"),
    ("实施编码", "Implementation code"),
    ("事项类别", "Category"),
    ("事项类型", "Type"),
    ("法定办结时限", "Statutory limit (法定办结时限)"),
    ("承诺办结时限", "Promised limit (承诺办结时限)"),
    ("时限说明", "Note on limits"),
    ("办件类型", "Case kind"),
    ("版本", "Version"),
    ("历史版本", "versions"),
    ("生效", "effective"),
    ("设定依据", "Legal basis"),
    ("申请材料", "Materials"),
    ("材料名称", "Material"),
    ("原件", "Originals"),
    ("复印件", "Copies"),
    ("必要", "Required"),
    ("电子证照可替代", "E-licence accepted"),
    ("是", "yes"),
    ("否", "no"),
    ("收费", "Fees"),
    ("不收费", "Free of charge"),
    ("依据", "basis"),
    ("特别程序", "Special procedures (Art. 45, not counted)"),
    ("无", "None"),
    ("关联事项", "Related items"),
    // Import
    ("目录导入（CSV / XLSX）", "Import the catalog (CSV / XLSX)"),
    (
        "整表校验：任何一行有误则不写入任何数据，并列出出错的行、列与原因。",
        "All rows are checked first: if any row is wrong nothing is written, and every error is listed with its row, column and reason.",
    ),
    ("文件", "File"),
    ("校验并导入", "Validate and import"),
    // Cases
    ("办件队列", "Case queue"),
    (
        "按办件编号（收件先后）排序",
        "in case-number order (as received)",
    ),
    (
        "办件编号、申请人姓名或名称、身份证号码、统一社会信用代码",
        "Case number, applicant's name, ID card number or credit code",
    ),
    ("事项编码", "Item code"),
    ("承办审查人员", "Assigned reviewer"),
    ("收件日期", "Received"),
    ("决定日期", "Decided"),
    ("含已办结", "Include closed cases"),
    ("法定期限", "Statutory deadline"),
    ("今日到期", "Due today"),
    ("已超期", "Overdue"),
    ("3个工作日内到期", "Due within 3 working days"),
    ("3个工作日后到期", "Due after 3 working days"),
    ("清除条件", "Clear"),
    ("本页", "On this page:"),
    ("没有符合条件的办件", "No case matches"),
    ("新建收件", "New application"),
    ("在办", "Open cases:"),
    ("办件编号", "Case number"),
    ("事项", "Item"),
    ("申请人", "Applicant"),
    ("身份证号码", "ID card number"),
    ("统一社会信用代码", "Unified social credit code"),
    ("（已脱敏）", "(masked)"),
    ("状态", "Status"),
    ("法定剩余工作日", "Remaining working days"),
    ("预警", "Card"),
    ("收件", "New application"),
    ("窗口收件", "Register an application (收件)"),
    ("申请事项", "Item"),
    ("渠道", "Channel"),
    ("窗口", "Window"),
    ("网上", "Online"),
    ("类型", "Type"),
    ("单位", "Organisation"),
    ("个人", "Natural person"),
    ("名称/姓名", "Name"),
    ("统一社会信用代码 / 身份证号", "Credit code or ID number"),
    ("联系电话", "Phone"),
    (
        "申请材料（文件只在本机计算 SHA-256 摘要，不上传）",
        "Materials (only the SHA-256 digest leaves this computer; files are not uploaded)",
    ),
    ("登记收件", "Register"),
    (
        "请更正以下内容后再提交",
        "Please correct the following and submit again",
    ),
    (
        "输入事项名称或编码中的几个字，从列表中选择",
        "Type part of the item's name or code, then choose it from the list",
    ),
    ("例如：食品经营", "e.g. 食品经营"),
    ("请选择", "Choose…"),
    (
        "手机或带区号的固定电话，可带分机，例如 0531-86001234 转 802",
        "A mobile, or a landline with its area code and any extension, e.g. 0531-86001234 转 802",
    ),
    ("已登记收件", "Application registered"),
    (
        "这张收件单已经登记过，以下是登记结果，没有重复登记。",
        "This form was already registered; here is that registration. Nothing was registered twice.",
    ),
    (
        "查询码只在此处显示一次，请告知申请人。",
        "The query code is shown only here, once: give it to the applicant.",
    ),
    ("打开办件", "Open the case"),
    ("继续收件", "Register another application"),
    (
        "这张收件单已经登记过另一份申请，本次未登记。如确为新的申请，请核对后再次提交。",
        "This form was already used to register a different application; nothing was registered now. If this is a new application, check it and submit again.",
    ),
    ("期限", "Deadlines"),
    ("电子证照", "Electronic licence"),
    ("办理过程", "Steps"),
    ("每一步都记入账本", "each recorded on the ledger"),
    ("日期", "Date"),
    ("步骤", "Step"),
    ("经办人", "By"),
    ("办理", "Act"),
    ("一次性告知补正", "One-time notice (一次性告知)"),
    (
        "需补正的全部材料（每行一项）",
        "All missing materials, one per line",
    ),
    ("告知", "Notify"),
    ("收到补正材料", "Supplement received (补正)"),
    ("材料", "Files"),
    ("登记", "Record"),
    ("受理", "Accept (受理)"),
    ("不予受理", "Refuse acceptance (不予受理)"),
    ("理由（每行一条）", "Reasons, one per line"),
    ("有权机关", "Competent authority"),
    ("送达", "Deliver (送达)"),
    ("方式", "Method"),
    ("邮寄", "Post"),
    ("电子", "Electronic"),
    ("申请人撤回", "Withdrawn by the applicant (撤回)"),
    ("撤回", "Withdraw"),
    ("审查", "Review (审查)"),
    ("环节", "Step"),
    ("意见", "Opinion"),
    ("实质审查", "Substantive review"),
    ("提交", "Submit"),
    (
        "特别程序（暂停计时）",
        "Special procedure (特别程序, clock paused)",
    ),
    ("种类", "Kind"),
    ("书面告知文号", "Written notice reference"),
    ("开始", "Start"),
    ("结束特别程序", "End the special procedure"),
    ("结束", "End"),
    (
        "批准延期（第四十二条）",
        "Approve an extension (延期, Art. 42)",
    ),
    ("延长工作日", "Working days"),
    ("理由", "Reason"),
    ("告知申请人日期", "Applicant notified on"),
    ("批准", "Approve"),
    ("准予许可", "Approve (准予许可)"),
    (
        "以本局行政审批专用章签章",
        "Sealed with the bureau's approval seal (行政审批专用章)",
    ),
    ("准予并签章", "Approve and seal"),
    ("不予许可（第三十八条）", "Refuse (不予许可, Art. 38)"),
    ("复议机关", "Reconsideration body"),
    ("诉讼法院", "Court"),
    ("不予许可并签章", "Refuse and seal"),
    // The case desk: allowed steps, opinions, materials, confirmation (web/case_desk.rs)
    ("未登记材料", "No materials registered"),
    ("来源", "Received"),
    ("收件时", "At intake"),
    ("补正时", "With the supplement"),
    ("SHA-256 摘要（前16位）", "SHA-256 (first 16 digits)"),
    ("审查意见", "Review opinions"),
    ("尚无审查意见", "No review opinion yet"),
    ("审查人", "Reviewer"),
    ("已退回，不再计入", "returned: no longer counts"),
    ("已办理", "Done"),
    (
        "只列出现在可以办理的步骤",
        "only the steps you may take now",
    ),
    (
        "目前没有您可以办理的步骤",
        "There is no step for you to take on this case now",
    ),
    (
        "一次性告知期限已过，将记为视为受理（自收到申请材料之日起）",
        "The notice window has passed: recorded as deemed acceptance (视为受理) from receipt",
    ),
    ("转给（工号）", "To (staff ID)"),
    ("转给", "To"),
    ("不能转给", "Not to"),
    ("退回到", "Back to"),
    (
        "本级人民政府批准文件",
        "Government head's approval reference",
    ),
    ("情形", "Ground"),
    (
        "有权机关（不属于本机关职权时填写）",
        "Competent authority (when not this bureau's power)",
    ),
    (
        "下一步预览文书，确认后生效",
        "Next: preview of the document; takes effect once confirmed",
    ),
    (
        "下一步预览，确认后生效",
        "Next: preview; takes effect once confirmed",
    ),
    ("容缺通过", "Approve, materials to follow (容缺通过)"),
    ("后补材料（每行一项）", "Materials to follow, one per line"),
    ("容缺通过并签章", "Approve with deferred materials and seal"),
    ("确认", "Confirm"),
    ("返回办件", "Back to the case"),
    ("将签章的文书", "Document to be sealed"),
    (
        "本步骤不出具盖章文书",
        "This step issues no sealed document",
    ),
    ("作出机关", "Issued by"),
    ("申请人类型", "Applicant type"),
    ("自然人", "Natural person"),
    ("法人或其他组织", "Organisation"),
    ("使用印章", "Seal"),
    (
        "此步骤作出后不能撤销。请核对以上内容，确认无误后提交。",
        "This step cannot be undone. Check the text above, then confirm.",
    ),
    ("并签章", " and seal"),
    ("返回修改", "Back and change"),
    ("救济途径", "Remedies"),
    ("容缺后补材料", "Materials to follow"),
    ("将颁发的电子证照编号", "Licence number to be issued"),
    ("告知申请人向有关行政机关申请", "Applicant referred to"),
    ("受理方式", "Acceptance"),
    ("结果", "Result"),
    ("送达的决定", "Decision delivered"),
    ("送达方式", "Delivery method"),
    // Step names (domain::case::CommandKind::name_zh and its choices)
    ("作出审批决定", "Decide (作出审批决定)"),
    ("撤回申请", "Withdrawal (撤回申请)"),
    ("转办", "Transfer (转办)"),
    ("退回", "Return (退回)"),
    ("开始特别程序", "Start a special procedure"),
    ("批准延期", "Extension (延期)"),
    ("初审", "Initial review (初审)"),
    ("审核", "Review (审核)"),
    ("现场勘查", "Site inspection (现场勘查)"),
    ("会签", "Countersign (会签)"),
    ("准予行政许可", "Licence granted (准予行政许可)"),
    (
        "准予行政许可（容缺通过）",
        "Licence granted, materials to follow (容缺通过)",
    ),
    ("不予行政许可", "Licence refused (不予行政许可)"),
    (
        "不受理（依法不需要取得行政许可）",
        "Not accepted: no licence needed (不受理)",
    ),
    (
        "不予受理（不属于本机关职权范围）",
        "Refused: not this bureau's power (不予受理)",
    ),
    (
        "不予受理（逾期未按要求补正）",
        "Refused: materials not corrected (不予受理)",
    ),
    ("窗口领取", "Collected at the window"),
    ("邮寄送达", "By post"),
    ("电子送达", "Electronically"),
    // Progress and verification
    ("办件进度查询", "Check an application's progress"),
    (
        "查询码（收件时告知）",
        "Query code (given when the application was received)",
    ),
    ("当前状态", "Status"),
    ("期限说明", "Deadlines"),
    ("办理环节", "Step"),
    (
        "每个环节都记入透明日志，可公开核验：",
        "Every step is recorded in the public log:",
    ),
    ("证照核验", "Verify"),
    ("电子证照核验", "Certificate verification (证照核验)"),
    ("有效", "Valid (有效)"),
    ("证照编号", "Licence ID"),
    ("持证单位", "Holder"),
    ("决定", "Decision"),
    ("核验结果", "Verification"),
    ("印章", "Seal"),
    ("账本位置", "Ledger"),
    ("收据", "receipt"),
    ("下载签章包", "sealed bundle"),
    ("信任文件", "trust file"),
    ("核验二维码", "QR code"),
    ("离线核验", "Offline"),
    // Log explorer and public statistics
    ("日志浏览", "Log explorer"),
    ("办件统计", "Statistics"),
    ("透明日志浏览", "Transparency log explorer"),
    ("查看", "Show"),
    ("最新检查点", "Latest checkpoint"),
    ("树大小（条目数）", "Tree size (entries)"),
    ("根哈希", "Root hash"),
    ("签署时间", "Signed at"),
    ("见证联署", "Witness cosignatures"),
    ("已达见证法定数", "Quorum of witnesses reached"),
    ("尚未获见证方联署", "Not yet cosigned by the witnesses"),
    ("原始数据", "Raw data"),
    ("尚无已签名的检查点", "No signed checkpoint yet"),
    ("见证方", "Witnesses"),
    ("未配置见证方", "No witnesses configured"),
    ("密钥名", "Key name"),
    ("最近联署时间", "Latest cosignature"),
    ("最新公开条目", "Latest public entries"),
    ("日志共", "Entries in the log:"),
    (
        "“在浏览器中验证”由您的浏览器自行计算：取条目原文求叶哈希 SHA-256(0x00‖条目)，沿包含证明逐层计算 SHA-256(0x01‖左‖右)，与检查点的根哈希比对，无需相信本网站。",
        "\"Verify in your browser\" is computed by your own browser: it hashes the entry's bytes into the leaf hash SHA-256(0x00‖entry), folds the inclusion proof with SHA-256(0x01‖left‖right) and compares the result with the checkpoint's root hash. You need not trust this website.",
    ),
    (
        "演示模式：验证前先把条目改动一个字节，验证应当失败。",
        "Demonstration: one byte of the entry is changed before verifying, so verification must fail.",
    ),
    ("序号", "Index"),
    ("时间", "Time"),
    ("对象", "Subject"),
    ("链接", "Links"),
    ("验证", "Verify"),
    ("条目", "entry"),
    ("在浏览器中验证", "Verify in your browser"),
    ("与上次所见是否一致", "Consistent with what you saw last"),
    ("检查一致性", "Check consistency"),
    (
        "您的浏览器会记住上次看到的检查点，并用一致性证明自行验证：新的日志只是在旧日志后追加，没有改写或删除任何条目。",
        "Your browser remembers the last checkpoint it saw and checks a consistency proof itself: the new log only appends to the old one, with no entry changed or removed.",
    ),
    ("待纳入检查点", "Awaiting the next checkpoint"),
    (
        "尚未纳入已发布检查点的新条目（发布后列出）",
        "New entries not yet under the published checkpoint (listed once it covers them)",
    ),
    ("更早的条目", "Older entries"),
    ("办件统计公开", "Public case statistics"),
    ("统计截至", "As of"),
    (
        "平均用时按工作日计，自受理次日至作出决定，不含依法不计入时限的特别程序；按时率为在法定时限（含依法延长）内作出决定的比例。只公开数量，不含任何申请人信息。",
        "Average time is in working days from the day after acceptance to the decision, without special procedures that do not count towards the limit; the on-time rate is the share of decisions made within the statutory limit (with lawful extensions). Only counts are published, never an applicant's details.",
    ),
    ("收件数", "Received"),
    ("已决定", "Decided"),
    ("平均用时（工作日）", "Average (working days)"),
    ("按时率", "On time"),
    ("按部门", "By department"),
    ("原实施部门", "Original department"),
    ("事项数", "Items"),
    ("暂无办件", "No cases yet"),
    ("按事项", "By item"),
    // API docs
    ("接口文档（OpenAPI）", "API documentation (OpenAPI)"),
    ("原始文档", "Raw document"),
    ("路径", "Path"),
    ("方法", "Method"),
    ("说明", "Summary"),
    ("参数", "Parameters"),
    ("位置", "In"),
    ("名称", "Name"),
    ("必填", "Required"),
    ("请求体", "Request body"),
    ("响应", "Responses"),
    ("无需登录", "No sign-in"),
    ("公共结构", "Shared schemas"),
    // Working-day calendar (issue #18, item 1)
    ("工作日历", "Working-day calendar"),
    (
        "期限按工作日计算（行政许可法第八十二条）",
        "time limits count working days (Licensing Law Art. 82)",
    ),
    ("年度", "Year"),
    ("暂定", "Provisional (暂定)"),
    (
        "尚未导入国务院放假通知：按法定节假日和周末计算，不含调休",
        "State Council holiday notice not imported: statutory holidays and weekends only, no make-up workdays",
    ),
    ("已导入", "Imported"),
    ("导入放假通知", "Import a holiday notice"),
    (
        "选择年度文件（JSON）后先预览：该年的节假日与调休、与暂定日期的差异、将要变动的在办件期限。确认后才写入账本。",
        "Choose the year file (JSON) to preview it first: its holidays and make-up workdays, how it differs from the provisional dates, and which open cases' deadlines would move. Nothing is recorded until you confirm.",
    ),
    ("预览", "Preview"),
    ("期限变动记录", "Moved deadlines"),
    (
        "导入通知或更正日历后，在办件期限的变化",
        "open cases' deadlines changed by an imported notice or a calendar correction",
    ),
    ("暂无", "None"),
    ("原因", "Reason"),
    ("原日期", "Was"),
    ("新日期", "Now"),
    (
        "标有“暂定”的期限跨入尚未导入国务院放假通知的年度：按法定节假日和周末计算，不含调休；导入通知后自动重算。",
        "Days marked 暂定 (provisional) reach a year whose State Council holiday notice is not imported: they count statutory holidays and weekends only, without make-up workdays, and are recounted when the notice is imported.",
    ),
    // Documents (issue #18 item 4).
    ("查看决定书（PDF）", "Decision (PDF)"),
    ("行政许可证（PDF）", "Licence certificate (PDF)"),
    ("公开核验页", "Public verification page"),
    ("文书", "Documents"),
    ("PDF，可打印", "PDF, printable"),
    ("已签章", "sealed"),
    (
        "文书（申请人收执联，PDF）",
        "Documents (applicant's copies, PDF)",
    ),
    ("打印收件凭证（PDF）", "Print the receipt (PDF)"),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `t("…")` phrase in the templates has an English entry, and no phrase is listed twice.
    #[test]
    fn every_template_phrase_has_english() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut missing = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            for piece in text.split("t(\"").skip(1) {
                let phrase = piece.split('"').next().unwrap_or_default();
                if english(phrase).is_none() {
                    missing.push(format!("{}: {phrase}", path.display()));
                }
            }
        }
        assert!(missing.is_empty(), "no English for: {missing:?}");
        let mut keys: Vec<_> = MESSAGES
            .iter()
            .chain(materials::MESSAGES)
            .chain(desk::MESSAGES)
            .chain(portal::MESSAGES)
            .map(|(k, _)| *k)
            .collect();
        keys.sort_unstable();
        let before = keys.len();
        keys.dedup();
        assert_eq!(before, keys.len(), "a phrase is listed twice");
    }

    #[test]
    fn chinese_is_the_default_and_english_falls_back_to_chinese() {
        assert_eq!(Lang::default().t("工作台"), "工作台");
        assert_eq!(Lang::En.t("工作台"), "Home");
        assert_eq!(Lang::En.t("没有这条"), "没有这条");
    }

    #[test]
    fn switches_only_go_back_to_this_site() {
        assert_eq!(local_path(Some("/cases?x=1".into())), "/cases?x=1");
        assert_eq!(local_path(Some("//evil.example".into())), "/");
        assert_eq!(local_path(Some("/\\evil.example".into())), "/");
        assert_eq!(local_path(Some("https://evil.example".into())), "/");
        assert_eq!(local_path(None), "/");
        assert_eq!(
            local_path(Some("/x\r\nSet-Cookie: a".into())),
            "/x%0D%0ASet-Cookie:%20a"
        );
        assert_eq!(
            local_path(Some("/catalog?q=食".into())),
            "/catalog?q=%E9%A3%9F"
        );
    }

    #[test]
    fn cookies_are_read_by_name() {
        assert_eq!(cookie("a=1; oneseal_lang=en", LANG_COOKIE), Some("en"));
        assert_eq!(cookie("xoneseal_lang=en", LANG_COOKIE), None);
        assert_eq!(
            encode("/progress?case=1&code=A B"),
            "/progress%3Fcase%3D1%26code%3DA%20B"
        );
    }
}
