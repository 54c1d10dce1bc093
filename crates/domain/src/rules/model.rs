//! What the rules are and what they raise: the built-in rules' ids and parameters, a recorded
//! rule version, an alert and how it was closed.
//!
//! Apart from the engine because the central [`Event`](crate::event::Event) records these types
//! (a rule version, an alert) while the engine reads events: the event and the engine both
//! import this module, and this module imports neither.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::Date;

use crate::canonical::canonical_json;
use crate::org::{DepartmentCode, StaffId};

/// Bumped whenever a built-in rule's behaviour changes; part of every rule's hash.
pub const RULES_REVISION: u32 = 1;

macro_rules! rules {
    ($($var:ident = $code:literal, $article:literal, $zh:literal;)+) => {
        /// The built-in rules.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum RuleId { $($var),+ }
        impl RuleId {
            pub const ALL: &'static [RuleId] = &[$(RuleId::$var),+];
            pub fn code(self) -> &'static str { match self { $(RuleId::$var => $code),+ } }
            /// The legal basis the rule enforces.
            pub fn article(self) -> &'static str { match self { $(RuleId::$var => $article),+ } }
            pub fn name_zh(self) -> &'static str { match self { $(RuleId::$var => $zh),+ } }
            pub fn parse(s: &str) -> Option<Self> { match s { $($code => Some(RuleId::$var),)+ _ => None } }
        }
    };
}

rules! {
    NoticeDeadline = "notice_deadline", "行政许可法第三十二条", "五个工作日内未一次性告知（视为受理）";
    TwoReviewers = "two_reviewers", "本局审批制度（两人审查，非法定要求）", "实质审查少于两名工作人员（本局规定）";
    RefusalReasons = "refusal_reasons", "行政许可法第三十八条", "不予许可未说明理由或救济途径";
    YellowCard = "yellow_card", "行政许可法第四十二条", "承诺时限已用九成（黄牌）";
    RedCard = "red_card", "行政许可法第四十二条、第七十四条", "超过法定期限未决定（红牌）";
    Extension = "extension", "行政许可法第四十二条", "延期未经负责人批准或超过法定延期";
    Pause = "pause", "行政许可法第四十五条", "暂停计时无书面告知或事由不在目录";
    DeliveryDeadline = "delivery_deadline", "行政许可法第四十四条", "准予许可决定后十个工作日内未颁发、送达证件";
    SeparationOfDuties = "separation_of_duties", "本局审批制度（受理与审批分设，非法定要求）", "同一人受理并审批同一办件（本局规定）";
    SkippedStep = "skipped_step", "行政许可法第三十二条至第四十四条", "跳过法定环节";
    SealMismatch = "seal_mismatch", "电子印章管理（一枚印章管审批）", "用章与审批决定不符";
    UnclaimedPush = "unclaimed_push", "审管互动（谁审批谁负责、谁主管谁监管）", "推送逾期未认领";
    PromisedLimitChanged = "promised_limit_changed", "政务服务事项管理（承诺时限）", "在办件所涉事项承诺时限被修改";
    OffHoursDecision = "off_hours_decision", "自由裁量监督", "非工作时间作出审批决定";
    DecisionVolume = "decision_volume", "自由裁量监督", "单人单日审批量异常";
    RectificationOverdue = "rectification_overdue", "政务服务好差评制度（差评整改）", "差评整改逾期未完成";
    NoticeDuty = "notice_duty", "行政许可法第七十二条第三项、第三十六条、第四十七条", "未履行法定告知义务（利害关系人、听证权利）";
    HearingNotHeld = "hearing_not_held", "行政许可法第七十二条第八项、第四十六条至第四十八条", "应当听证而未听证即作出决定";
    HearingOverdue = "hearing_overdue", "行政许可法第四十七条、第四十八条", "听证逾期（二十日内未组织或未提前七日通知）";
    UnlistedMaterial = "unlisted_material", "行政许可法第三十一条", "一次性告知要求提交目录以外的材料";
    DeemedRenewal = "deemed_renewal", "行政许可法第五十条", "延续申请到期未决定（视为准予延续）";
    ExtensionNotice = "extension_notice", "行政许可法第四十二条", "延长期限生效时未告知申请人";
    StartDeadline = "start_deadline", "中华人民共和国建筑法第九条", "施工许可证逾期未开工也未申请延期";
    StartExtensionUndecided = "start_extension_undecided", "本局规定（延期开工申请限期决定；中华人民共和国建筑法第九条）", "延期开工申请逾期未决定（本局规定）";
    ConsultationOverdue = "consultation_overdue", "本局联合审查制度（征求意见答复时限）", "征求部门意见逾期未答复";
    CoordinationOverdue = "coordination_overdue", "领导协调机制（协调事项限期决定）", "协调事项逾期未作出协调决定";
    DeferredMaterials = "deferred_materials", "本局容缺受理制度（申请人书面承诺补交期限）", "容缺受理的材料逾期未补交";
    CoordinationTaskOverdue = "coordination_task_overdue", "领导协调机制（交办任务限期办结）", "协调交办任务逾期未办结";
    CommitmentVerificationOverdue = "commitment_verification_overdue", "告知承诺制（国办发〔2020〕42号：承诺内容事后核查）", "告知承诺逾期未核查";
    CommitmentRevocationMissing = "commitment_revocation_missing", "行政许可法第六十九条第二款", "承诺不实未依法撤销行政许可";
    ProjectStageOverdue = "project_stage_overdue", "工程建设项目审批制度改革（国办发〔2019〕11号，阶段时限）", "工程建设项目审批阶段超过阶段时限";
    ProjectOverdue = "project_overdue", "工程建设项目审批制度改革（国办发〔2019〕11号，全流程120个工作日）", "工程建设项目全流程审批超过总时限";
    Expression = "expression", "本地监管规则（CEL表达式）", "本地表达式规则";
}

/// Thresholds of the rules (one set per jurisdiction, recorded with each rule version).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleParams {
    /// Working days after receipt within which a one-time notice or acceptance is due.
    pub notice_days: u32,
    /// Working days after the decision within which it must be delivered.
    pub delivery_days: u32,
    /// Office hours (Beijing time), [start, end).
    pub office_start_hour: u8,
    pub office_end_hour: u8,
    /// Decisions by one official on one day above which the volume is unusual.
    pub max_decisions_per_day: u32,
    /// Thresholds for one item (`item:<basic code>`) or one department (`dept:<code>`, the
    /// item's original department, or the official's own for the daily volume); an item's
    /// override wins over its department's. Left out of the JSON (and the hash) when empty.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub overrides: BTreeMap<String, Thresholds>,
}

/// The thresholds an override may change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_decisions_per_day: Option<u32>,
}

impl Default for RuleParams {
    fn default() -> Self {
        Self {
            notice_days: 5,
            delivery_days: 10,
            office_start_hour: 8,
            office_end_hour: 18,
            max_decisions_per_day: 30,
            overrides: BTreeMap::new(),
        }
    }
}

impl RuleParams {
    /// The thresholds for a case on `item` of `department` (item override, then department,
    /// then the jurisdiction's).
    pub fn for_scope(&self, item: Option<&str>, department: Option<&str>) -> RuleParams {
        let mut p = self.clone();
        let scopes = [
            department.map(|d| format!("dept:{d}")),
            item.map(|i| format!("item:{i}")),
        ];
        for t in scopes
            .iter()
            .flatten()
            .filter_map(|k| self.overrides.get(k))
        {
            p.notice_days = t.notice_days.unwrap_or(p.notice_days);
            p.delivery_days = t.delivery_days.unwrap_or(p.delivery_days);
            p.max_decisions_per_day = t.max_decisions_per_day.unwrap_or(p.max_decisions_per_day);
        }
        p
    }

    pub fn validate(&self) -> Result<(), String> {
        let days = |d: u32| (1..=60).contains(&d);
        let keys_ok = self.overrides.iter().all(|(k, t)| {
            (k.starts_with("item:") || k.starts_with("dept:"))
                && t.notice_days.is_none_or(days)
                && t.delivery_days.is_none_or(days)
                && t.max_decisions_per_day.is_none_or(|m| m >= 1)
        });
        let ok = days(self.notice_days)
            && days(self.delivery_days)
            && self.office_start_hour < self.office_end_hour
            && self.office_end_hour <= 24
            && self.max_decisions_per_day >= 1
            && keys_ok;
        if ok {
            Ok(())
        } else {
            Err("参数超出范围：期限1至60个工作日，上班时间早于下班时间，单日审批量至少1，按事项（item:编码）或部门（dept:编码）设置".into())
        }
    }
}

/// One recorded version of a rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleVersion {
    pub rule: RuleId,
    pub version: u32,
    pub params: RuleParams,
    pub active: bool,
}

impl RuleVersion {
    /// SHA-256 (hex) of the rule's specification: its code, article, meaning, the engine
    /// revision, the version and the parameters. A changed rule has a different hash.
    pub fn hash(&self) -> String {
        let spec = serde_json::json!({
            "rule": self.rule.code(), "article": self.rule.article(), "meaning": self.rule.name_zh(),
            "revision": RULES_REVISION, "version": self.version, "params": self.params, "active": self.active,
        });
        hex::encode(Sha256::digest(canonical_json(&spec)))
    }
}

/// An alert: which rule (version and hash), about what, for whom, from which log range.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    pub alert_id: String,
    pub rule: RuleId,
    pub rule_version: u32,
    pub rule_hash: String,
    /// `case:<number>`, `push:<id>`, `item:<code>` or `staff:<id>:<date>`.
    pub subject: String,
    pub message_zh: String,
    pub responsible: Option<StaffId>,
    pub responsible_department: Option<DepartmentCode>,
    pub superior: Option<StaffId>,
    /// For a local expression rule: its code (version and hash above are the expression's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expression: Option<String>,
    /// The first and the last log index the alert was computed from.
    pub from_index: u64,
    pub at_index: u64,
    #[serde(with = "crate::calendar::iso_date")]
    pub on: Date,
}

/// How an inspector closed an alert.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertOutcome {
    /// 情况属实但有正当理由.
    Justified,
    /// 已整改.
    Rectified,
    /// 启动责任追究.
    AccountabilityOpened,
}

impl AlertOutcome {
    pub fn name_zh(self) -> &'static str {
        match self {
            AlertOutcome::Justified => "理由正当",
            AlertOutcome::Rectified => "已整改",
            AlertOutcome::AccountabilityOpened => "启动责任追究",
        }
    }
}

/// The stable id of the alert of `rule` about `subject` (each is raised once).
pub fn alert_id(rule: RuleId, subject: &str) -> String {
    let h = Sha256::digest(format!("{}|{subject}", rule.code()).as_bytes());
    format!("AL{}", &hex::encode(h)[..20])
}
