//! Per-item legal settings (issue #21 item 3): where an item's own law departs from the
//! Licensing Law's general rules, and the provision each setting comes from.
//!
//! The Licensing Law sets defaults that a special law may override item by item (Art. 42 "法律、
//! 法规另有规定的，依照其规定"): the extension allowance (Art. 42), the one-time notice window
//! (Art. 32(4)), the day the decision limit counts from, the time excluded for special
//! procedures (Art. 45) and, for grants, the renewal lead time (Art. 50) and the licence term.
//! Each value carries its `source`, so the catalog page and `docs/LEGAL-SETTINGS.md` can say
//! why an item differs, and a reader can check the article.
//!
//! The types make illegal states unrepresentable: an extension allowance is "none" or a
//! positive number of working days, a notice window is 0–5 working days (Art. 32(4): "当场或者
//! 在五日内"), a cap names a procedure Art. 45 excludes (never 现场核查, which Art. 34 keeps
//! inside the limit).

use serde::{Deserialize, Serialize};

use super::dict::SpecialProcedureKind;
use super::limit::{LimitUnit, TimeLimit};
use super::policy::{OnTheSpot, ReviewPolicy};

/// The Licensing Law's citation for the general extension rule.
pub const GENERAL_EXTENSION_SOURCE: &str = "《行政许可法》第四十二条";
/// The Licensing Law's citation for the one-time notice window.
pub const GENERAL_NOTICE_SOURCE: &str = "《行政许可法》第三十二条第一款第（四）项";
/// The Licensing Law's citation for the clock starting at acceptance.
pub const GENERAL_CLOCK_SOURCE: &str = "《行政许可法》第四十二条";
/// The Licensing Law's article on hearings the law requires (the item cites its own provision).
pub const HEARING_REQUIRED_ARTICLE: &str = "《行政许可法》第四十六条";
/// Art. 42(1): a bureau head may add 10 working days.
pub const GENERAL_EXTENSION_DAYS: u32 = 10;
/// Art. 32(4): the one-time notice within 5 (working) days.
pub const GENERAL_NOTICE_DAYS: u32 = 5;
/// Art. 42(2): joint, unified or centralised handling takes at most 45 working days …
pub const JOINT_LIMIT_DAYS: u32 = 45;
/// … plus 15 with the approval of the head of the people's government at that level.
pub const JOINT_EXTENSION_DAYS: u32 = 15;

/// How many working days the decision limit may be extended by (Art. 42).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "ExtensionWire", into = "ExtensionWire")]
pub enum ExtensionAllowance {
    /// The item's own law fixes the limit: no Art. 42 extension.
    None,
    /// Up to this many working days (never 0).
    WorkingDays(u32),
}

#[derive(Serialize, Deserialize)]
struct ExtensionWire {
    working_days: u32,
}

impl TryFrom<ExtensionWire> for ExtensionAllowance {
    type Error = LegalSettingsError;
    fn try_from(w: ExtensionWire) -> Result<Self, Self::Error> {
        Ok(Self::from_days(w.working_days))
    }
}

impl From<ExtensionAllowance> for ExtensionWire {
    fn from(a: ExtensionAllowance) -> Self {
        Self {
            working_days: a.working_days(),
        }
    }
}

impl ExtensionAllowance {
    /// 0 means none.
    #[must_use]
    pub const fn from_days(days: u32) -> Self {
        if days == 0 {
            Self::None
        } else {
            Self::WorkingDays(days)
        }
    }

    /// Working days allowed in total (0 for none).
    #[must_use]
    pub const fn working_days(self) -> u32 {
        match self {
            Self::None => 0,
            Self::WorkingDays(n) => n,
        }
    }

    /// Chinese text, e.g. `可延长10个工作日` or `不得延长`.
    #[must_use]
    pub fn to_zh(self) -> String {
        match self {
            Self::None => "不得延长".to_owned(),
            Self::WorkingDays(n) => format!("可延长{n}个工作日"),
        }
    }

    /// The interchange cell: `none` or `10 WD`.
    #[must_use]
    pub fn code(self) -> String {
        match self {
            Self::None => "none".to_owned(),
            Self::WorkingDays(n) => format!("{n} WD"),
        }
    }

    /// Parses `none` or `N WD` (N ≥ 1).
    ///
    /// # Errors
    /// Any other text.
    pub fn parse(s: &str) -> Result<Self, LegalSettingsError> {
        if s == "none" {
            return Ok(Self::None);
        }
        match TimeLimit::parse(s) {
            Ok(TimeLimit {
                value,
                unit: LimitUnit::WorkingDays,
            }) if value > 0 => Ok(Self::WorkingDays(value)),
            _ => Err(LegalSettingsError::Extension(s.to_owned())),
        }
    }
}

/// The day the decision limit counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockStart {
    /// 自受理之日起 (Art. 42, the general rule).
    Acceptance,
    /// 自收到申请之日起, where the special law counts from receipt (e.g. 建筑法 Art. 8).
    Receipt,
}

impl ClockStart {
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Acceptance => "acceptance",
            Self::Receipt => "receipt",
        }
    }

    #[must_use]
    pub const fn name_zh(self) -> &'static str {
        match self {
            Self::Acceptance => "自受理之日起计算",
            Self::Receipt => "自收到申请之日起计算",
        }
    }

    /// # Errors
    /// Neither `acceptance` nor `receipt`.
    pub fn parse(s: &str) -> Result<Self, LegalSettingsError> {
        match s {
            "acceptance" => Ok(Self::Acceptance),
            "receipt" => Ok(Self::Receipt),
            _ => Err(LegalSettingsError::ClockStart(s.to_owned())),
        }
    }
}

/// The one-time notice window in working days, 0 (on the spot) to 5 (Art. 32(4)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct NoticeWindow(u32);

impl NoticeWindow {
    /// The general window, 5 working days.
    pub const GENERAL: Self = Self(GENERAL_NOTICE_DAYS);

    /// # Errors
    /// More than 5 working days: no special law may lengthen Art. 32(4)'s window here.
    pub fn new(days: u32) -> Result<Self, LegalSettingsError> {
        if days <= GENERAL_NOTICE_DAYS {
            Ok(Self(days))
        } else {
            Err(LegalSettingsError::NoticeWindow(days))
        }
    }

    #[must_use]
    pub const fn working_days(self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for NoticeWindow {
    type Error = LegalSettingsError;
    fn try_from(days: u32) -> Result<Self, Self::Error> {
        Self::new(days)
    }
}

impl From<NoticeWindow> for u32 {
    fn from(w: NoticeWindow) -> Self {
        w.0
    }
}

/// A setting and the provision it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cited<T> {
    pub value: T,
    /// E.g. `《建筑法》第八条`.
    pub source: String,
}

impl<T> Cited<T> {
    pub fn new(value: T, source: impl Into<String>) -> Self {
        Self {
            value,
            source: source.into(),
        }
    }
}

/// An upper bound on the time one Art. 45 procedure may exclude from the limit, e.g. an expert
/// review of at most 20 working days; beyond it the clock runs again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "CapWire", into = "CapWire")]
pub struct ExcludedCap {
    kind: SpecialProcedureKind,
    cap: TimeLimit,
    source: String,
}

#[derive(Serialize, Deserialize)]
struct CapWire {
    kind: SpecialProcedureKind,
    cap: TimeLimit,
    source: String,
}

impl TryFrom<CapWire> for ExcludedCap {
    type Error = LegalSettingsError;
    fn try_from(w: CapWire) -> Result<Self, Self::Error> {
        Self::new(w.kind, w.cap, w.source)
    }
}

impl From<ExcludedCap> for CapWire {
    fn from(c: ExcludedCap) -> Self {
        Self {
            kind: c.kind,
            cap: c.cap,
            source: c.source,
        }
    }
}

impl ExcludedCap {
    /// # Errors
    /// [`LegalSettingsError::NotExcludedTime`] for 现场核查 (Art. 34, inside the limit);
    /// [`LegalSettingsError::ZeroCap`] for a cap of 0.
    pub fn new(
        kind: SpecialProcedureKind,
        cap: TimeLimit,
        source: impl Into<String>,
    ) -> Result<Self, LegalSettingsError> {
        if !excludes_time(kind) {
            return Err(LegalSettingsError::NotExcludedTime(kind));
        }
        if cap.value == 0 {
            return Err(LegalSettingsError::ZeroCap(kind));
        }
        Ok(Self {
            kind,
            cap,
            source: source.into(),
        })
    }

    #[must_use]
    pub const fn kind(&self) -> SpecialProcedureKind {
        self.kind
    }

    #[must_use]
    pub const fn cap(&self) -> TimeLimit {
        self.cap
    }

    #[must_use]
    pub fn source(&self) -> &str {
        &self.source
    }
}

/// Whether Art. 45 excludes the time of `kind` from the limit: hearing, bidding, auction,
/// testing, inspection, quarantine, appraisal and expert review do; 现场核查 does not (it is
/// part of the review, Art. 34).
#[must_use]
pub const fn excludes_time(kind: SpecialProcedureKind) -> bool {
    !matches!(kind, SpecialProcedureKind::SiteCheck)
}

/// Why a legal setting was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LegalSettingsError {
    #[error(
        "extension allowance {0:?} must be \"none\" or a positive number of working days, e.g. \"10 WD\""
    )]
    Extension(String),
    #[error("the one-time notice window of {0} working days exceeds the 5 of Art. 32(4)")]
    NoticeWindow(u32),
    #[error("clock start {0:?} must be \"acceptance\" or \"receipt\"")]
    ClockStart(String),
    #[error("{0:?} is not time excluded by Art. 45")]
    NotExcludedTime(SpecialProcedureKind),
    #[error("the cap of {0:?} must be more than 0")]
    ZeroCap(SpecialProcedureKind),
    #[error("setting {0} has no source")]
    NoSource(&'static str),
    #[error("{0}")]
    Cell(String),
}

impl LegalSettingsError {
    /// Chinese reason for an import error or a form.
    #[must_use]
    pub fn reason_zh(&self) -> String {
        match self {
            Self::Extension(s) => {
                format!("延长时限“{s}”应为 none（不得延长）或正整数加 WD，例如“10 WD”")
            }
            Self::NoticeWindow(n) => {
                format!("一次性告知期限{n}个工作日超过行政许可法第三十二条规定的5个工作日")
            }
            Self::ClockStart(s) => {
                format!("起算点“{s}”应为 acceptance（受理）或 receipt（收到申请）")
            }
            Self::NotExcludedTime(k) => format!(
                "“{}”不属于行政许可法第四十五条规定的不计入期限的时间",
                k.name_zh()
            ),
            Self::ZeroCap(k) => format!("“{}”的时间上限应大于0", k.name_zh()),
            Self::NoSource(what) => format!("“{what}”缺少依据（法律名称和条款）"),
            Self::Cell(s) => s.clone(),
        }
    }
}

/// The legal settings of one item version. [`Default`] is the Licensing Law's general rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalSettings {
    /// Art. 42: how far a head may extend the limit.
    pub extension: Cited<ExtensionAllowance>,
    /// Art. 32(4): the one-time notice window.
    pub notice_window: Cited<NoticeWindow>,
    /// Where the decision limit counts from.
    pub clock_start: Cited<ClockStart>,
    /// Art. 50: how long before expiry a renewal must be applied for; `None` when the item
    /// grants nothing renewable.
    #[serde(default)]
    pub renewal_lead: Option<Cited<TimeLimit>>,
    /// The licence's term of validity; `None` when no law sets it.
    #[serde(default)]
    pub licence_term: Option<Cited<TimeLimit>>,
    /// Art. 45 procedures whose excluded time is capped.
    #[serde(default)]
    pub excluded_caps: Vec<ExcludedCap>,
    /// Art. 78–79: the provision under which the item bears directly on public safety, health,
    /// or the safety of life and property (bans on applying again); `None`: it does not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_safety: Option<String>,
    /// The provision allowing the holder to apply for cancellation (注销申请); `None`: no
    /// cancellation on application.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder_cancellation: Option<String>,
    /// The licence lapses when the licensed work has not started within this time (建筑法
    /// Art. 9: three months, unless extended). Fixes the licence's `start_by` at issue; the rule
    /// `start_deadline` watches it (`licence::start`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_deadline: Option<Cited<TimeLimit>>,
    /// Art. 34(2): the item may be decided on the spot (`catalog::policy`); absent by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_the_spot: Option<OnTheSpot>,
    /// The bureau's review policy, not law (`catalog::policy`); left out when the default.
    #[serde(default, skip_serializing_if = "ReviewPolicy::is_default")]
    pub policy: ReviewPolicy,
    /// Art. 46: the provision (law, regulation or rule) under which a hearing must be held before
    /// the item is decided; `None`: the item's law requires none (a hearing may still be held on
    /// request, Art. 47, or for the public interest, Art. 46). The decision and the on-the-spot
    /// decision are refused until a hearing was held (`case::hearing_command`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hearing_required: Option<String>,
    /// 告知承诺制 (issue #19 item 5): the applicant may sign the item's commitment instead of
    /// some proofs; the value is how long after the grant the supervising department has to
    /// verify it (e.g. two months), the source the provision that puts the item under the
    /// regime (`crate::commitment`). `None`: the item is not under it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commitment: Option<Cited<TimeLimit>>,
}

impl Default for LegalSettings {
    fn default() -> Self {
        Self {
            extension: Cited::new(
                ExtensionAllowance::WorkingDays(GENERAL_EXTENSION_DAYS),
                GENERAL_EXTENSION_SOURCE,
            ),
            notice_window: Cited::new(NoticeWindow::GENERAL, GENERAL_NOTICE_SOURCE),
            clock_start: Cited::new(ClockStart::Acceptance, GENERAL_CLOCK_SOURCE),
            renewal_lead: None,
            licence_term: None,
            excluded_caps: Vec::new(),
            public_safety: None,
            holder_cancellation: None,
            start_deadline: None,
            on_the_spot: None,
            policy: ReviewPolicy::default(),
            hearing_required: None,
            commitment: None,
        }
    }
}

impl LegalSettings {
    /// The cap on `kind`'s excluded time, if the item's law sets one.
    #[must_use]
    pub fn cap_of(&self, kind: SpecialProcedureKind) -> Option<&ExcludedCap> {
        self.excluded_caps.iter().find(|c| c.kind == kind)
    }

    /// Whether every setting equals the general rule (the catalog page marks the others).
    #[must_use]
    pub fn is_general(&self) -> bool {
        *self == Self::default()
    }

    /// Problems a catalog import reports: blank sources, caps repeated.
    #[must_use]
    pub fn problems(&self) -> Vec<LegalSettingsError> {
        let mut out = Vec::new();
        let mut check = |source: &str, what: &'static str| {
            if source.trim().is_empty() {
                out.push(LegalSettingsError::NoSource(what));
            }
        };
        check(&self.extension.source, "延长时限");
        check(&self.notice_window.source, "一次性告知期限");
        check(&self.clock_start.source, "起算点");
        if let Some(r) = &self.renewal_lead {
            check(&r.source, "延续申请提前期");
        }
        if let Some(t) = &self.licence_term {
            check(&t.source, "有效期");
        }
        for c in &self.excluded_caps {
            check(&c.source, "不计入期限的时间上限");
        }
        if let Some(s) = &self.public_safety {
            check(s, "涉及公共安全等事项");
        }
        if let Some(s) = &self.holder_cancellation {
            check(s, "依申请注销");
        }
        if let Some(t) = &self.start_deadline {
            check(&t.source, "逾期未开工失效");
        }
        if let Some(o) = &self.on_the_spot {
            check(&o.source, "当场作出决定");
        }
        if let Some(s) = &self.hearing_required {
            check(s, "应当听证");
        }
        if let Some(c) = &self.commitment {
            check(&c.source, "告知承诺制");
        }
        for (i, c) in self.excluded_caps.iter().enumerate() {
            if self.excluded_caps[..i].iter().any(|d| d.kind == c.kind) {
                out.push(LegalSettingsError::Cell(format!(
                    "“{}”的时间上限重复",
                    c.kind.name_zh()
                )));
            }
        }
        out
    }

    /// Chinese lines for the catalog page and the case page: each setting and its source.
    #[must_use]
    pub fn lines_zh(&self) -> Vec<(String, String)> {
        let mut lines = vec![
            (
                format!("延长期限：{}", self.extension.value.to_zh()),
                self.extension.source.clone(),
            ),
            (
                format!(
                    "一次性告知补正：{}个工作日内",
                    self.notice_window.value.working_days()
                ),
                self.notice_window.source.clone(),
            ),
            (
                format!("办理期限{}", self.clock_start.value.name_zh()),
                self.clock_start.source.clone(),
            ),
        ];
        if let Some(r) = &self.renewal_lead {
            lines.push((
                format!("延续：有效期届满{}前提出申请", r.value.to_zh()),
                r.source.clone(),
            ));
        }
        if let Some(t) = &self.licence_term {
            lines.push((format!("有效期：{}", t.value.to_zh()), t.source.clone()));
        }
        for c in &self.excluded_caps {
            lines.push((
                format!("{}不计入办理期限，最长{}", c.kind.name_zh(), c.cap.to_zh()),
                c.source.clone(),
            ));
        }
        if let Some(s) = &self.public_safety {
            lines.push((
                "直接关系公共安全、人身健康、生命财产安全：隐瞒情况或提供虚假材料的一年内、以欺骗贿赂取得许可被撤销的三年内不得再次申请".to_owned(),
                s.clone(),
            ));
        }
        if let Some(s) = &self.holder_cancellation {
            lines.push(("被许可人可以申请注销".to_owned(), s.clone()));
        }
        if let Some(t) = &self.start_deadline {
            lines.push((
                format!("取得许可后{}内未开工的，许可自行废止", t.value.to_zh()),
                t.source.clone(),
            ));
        }
        if let Some(o) = &self.on_the_spot {
            lines.push((
                "材料齐全、符合法定形式的，当场作出书面决定".to_owned(),
                format!("{}；{}", super::policy::ON_THE_SPOT_ARTICLE, o.source),
            ));
        }
        if let Some(s) = &self.hearing_required {
            lines.push((
                "依法应当听证：作出决定前应当向社会公告并举行听证".to_owned(),
                format!("{}；{s}", HEARING_REQUIRED_ARTICLE),
            ));
        }
        if !self.policy.is_default() {
            lines.extend(self.policy.lines_zh());
        }
        if let Some(c) = &self.commitment {
            lines.push((
                format!(
                    "告知承诺制：申请人书面承诺的，当场作出决定，准予许可后{}内由主管部门核查",
                    c.value.to_zh()
                ),
                c.source.clone(),
            ));
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn art42_default_settings_are_the_licensing_laws_general_rules() {
        let d = LegalSettings::default();
        assert_eq!(d.extension.value, ExtensionAllowance::WorkingDays(10));
        assert_eq!(d.extension.source, "《行政许可法》第四十二条");
        assert_eq!(d.notice_window.value.working_days(), 5);
        assert_eq!(d.clock_start.value, ClockStart::Acceptance);
        assert!(d.is_general());
        assert!(d.problems().is_empty());
    }

    #[test]
    fn art32_notice_window_longer_than_five_days_does_not_construct() {
        assert!(NoticeWindow::new(5).is_ok());
        assert!(NoticeWindow::new(0).is_ok());
        assert_eq!(
            NoticeWindow::new(6),
            Err(LegalSettingsError::NoticeWindow(6))
        );
        assert!(serde_json::from_str::<NoticeWindow>("7").is_err());
    }

    #[test]
    fn art45_site_check_cannot_be_capped_as_excluded_time() {
        let err = ExcludedCap::new(
            SpecialProcedureKind::SiteCheck,
            TimeLimit::working_days(5),
            "x",
        )
        .unwrap_err();
        assert_eq!(
            err,
            LegalSettingsError::NotExcludedTime(SpecialProcedureKind::SiteCheck)
        );
        let ok = ExcludedCap::new(
            SpecialProcedureKind::ExpertReview,
            TimeLimit::working_days(20),
            "住建部令第51号",
        )
        .unwrap();
        let json = serde_json::to_string(&ok).unwrap();
        assert_eq!(serde_json::from_str::<ExcludedCap>(&json).unwrap(), ok);
        let bad = json.replace("expert_review", "site_check");
        assert!(serde_json::from_str::<ExcludedCap>(&bad).is_err());
    }

    #[test]
    fn art42_extension_allowance_parses_none_or_positive_working_days() {
        assert_eq!(
            ExtensionAllowance::parse("none").unwrap(),
            ExtensionAllowance::None
        );
        assert_eq!(
            ExtensionAllowance::parse("40 WD").unwrap(),
            ExtensionAllowance::WorkingDays(40)
        );
        for bad in ["0 WD", "10 d", "", "ten"] {
            assert!(ExtensionAllowance::parse(bad).is_err(), "{bad}");
        }
        for a in [ExtensionAllowance::None, ExtensionAllowance::WorkingDays(7)] {
            assert_eq!(ExtensionAllowance::parse(&a.code()).unwrap(), a);
            let json = serde_json::to_string(&a).unwrap();
            assert_eq!(
                serde_json::from_str::<ExtensionAllowance>(&json).unwrap(),
                a
            );
        }
    }

    #[test]
    fn art46_a_hearing_required_by_law_carries_its_source() {
        let mut s = LegalSettings::default();
        assert!(s.hearing_required.is_none());
        // Old JSON (without the field) reads as "not required"; the general settings write none.
        let json = serde_json::to_string(&s).unwrap();
        assert!(!json.contains("hearing_required"), "{json}");
        s.hearing_required = Some("《某条例》第十条".into());
        assert!(!s.is_general());
        assert!(s.lines_zh().iter().any(|(l, src)| l.contains("应当听证")
            && src.contains("第四十六条")
            && src.contains("《某条例》第十条")));
        let back: LegalSettings =
            serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(back, s);
        s.hearing_required = Some(" ".into());
        assert_eq!(s.problems(), vec![LegalSettingsError::NoSource("应当听证")]);
    }

    #[test]
    fn blank_sources_are_problems() {
        let mut s = LegalSettings::default();
        s.extension.source = " ".into();
        assert_eq!(s.problems(), vec![LegalSettingsError::NoSource("延长时限")]);
    }
}
