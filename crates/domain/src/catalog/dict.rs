//! Catalog dictionaries (domain.md §2, §11.2): closed code lists of the national platform plus
//! a few of our own.
//!
//! Every dictionary is stored and serialized as its code (`"01"`, `"3"`, `"transferred"`);
//! the Chinese and English names are display text only and may be reworded without a migration.
//! National codes are those observed in several platforms' sync data; our own dictionaries
//! (`HandlingPlace`, `ItemCategory`, `Area`, `MaterialSource`, `SpecialProcedureKind`) use
//! lowercase English codes.

/// A value that is not in a dictionary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a valid {dictionary} code (allowed: {allowed})")]
pub struct DictionaryError {
    pub dictionary: &'static str,
    pub dictionary_zh: &'static str,
    pub value: String,
    pub allowed: String,
}

impl DictionaryError {
    pub fn reason_zh(&self) -> String {
        format!(
            "“{}”不是有效的{}代码（可选：{}）",
            self.value, self.dictionary_zh, self.allowed
        )
    }
}

/// Declares a dictionary enum with its codes, names, `ALL`, `from_code`, `parse`, `FromStr`
/// and serde as the code string.
macro_rules! dictionary {
    (
        $(#[$meta:meta])*
        $name:ident ($en_dict:literal, $zh_dict:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, $zh:literal, $en:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* #[doc = $zh] $variant, )+
        }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The stored code.
            pub fn code(self) -> &'static str {
                match self { $(Self::$variant => $code,)+ }
            }

            pub fn name_zh(self) -> &'static str {
                match self { $(Self::$variant => $zh,)+ }
            }

            pub fn name_en(self) -> &'static str {
                match self { $(Self::$variant => $en,)+ }
            }

            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some(Self::$variant),)+ _ => None }
            }

            pub fn parse(code: &str) -> Result<Self, super::dict::DictionaryError> {
                Self::from_code(code).ok_or_else(|| super::dict::DictionaryError {
                    dictionary: $en_dict,
                    dictionary_zh: $zh_dict,
                    value: code.to_owned(),
                    allowed: [$($code),+].join(", "),
                })
            }
        }

        impl std::str::FromStr for $name {
            type Err = super::dict::DictionaryError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = <String as serde::Deserialize>::deserialize(d)?;
                Self::parse(&raw).map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use dictionary;

dictionary! {
    /// 事项类型.
    ItemType("item type", "事项类型") {
        AdministrativeLicensing = "01", "行政许可", "administrative licensing";
        AdministrativePenalty = "02", "行政处罚", "administrative penalty";
        AdministrativeCompulsion = "03", "行政强制", "administrative compulsion";
        AdministrativeLevy = "04", "行政征收", "administrative levy";
        AdministrativePayment = "05", "行政给付", "administrative payment";
        AdministrativeInspection = "06", "行政检查", "administrative inspection";
        AdministrativeConfirmation = "07", "行政确认", "administrative confirmation";
        AdministrativeReward = "08", "行政奖励", "administrative reward";
        AdministrativeAdjudication = "09", "行政裁决", "administrative adjudication";
        OtherPower = "10", "其他行政权力", "other administrative power";
        PublicService = "20", "公共服务", "public service";
    }
}

dictionary! {
    /// 行使层级: the government level that exercises an item; digit 19 of the implementation code.
    ExerciseLevel("exercise level", "行使层级") {
        National = "1", "国家级", "national";
        Provincial = "2", "省级", "provincial";
        City = "3", "市级", "city";
        County = "4", "县级", "county";
        Township = "5", "镇（乡、街道）级", "township or subdistrict";
        Village = "6", "村（社区）级", "village or community";
    }
}

dictionary! {
    /// 权力来源.
    PowerSource("power source", "权力来源") {
        StatutoryOwnLevel = "1", "法定本级行使", "statutory, exercised at this level";
        DelegatedFromHigher = "2", "上级下放", "delegated down by a higher level";
        AuthorizedByHigher = "3", "上级授权", "authorized by a higher level";
        AuthorizedBySameLevel = "4", "同级授权", "authorized at the same level";
        EntrustedByHigher = "5", "上级委托", "entrusted by a higher level";
        EntrustedBySameLevel = "6", "同级委托", "entrusted at the same level";
    }
}

dictionary! {
    /// 服务对象.
    ServiceObject("service object", "服务对象") {
        NaturalPerson = "1", "自然人", "natural person";
        EnterpriseLegalPerson = "2", "企业法人", "enterprise legal person";
        PublicInstitution = "3", "事业法人", "public institution legal person";
        SocialOrganisation = "4", "社会组织法人", "social organisation legal person";
        UnincorporatedEnterprise = "5", "非法人企业", "unincorporated enterprise";
        AdministrativeOrgan = "6", "行政机关", "administrative organ";
        Other = "7", "其他组织", "other";
    }
}

dictionary! {
    /// 办件类型.
    CaseKind("case kind", "办件类型") {
        Immediate = "1", "即办件", "immediate (decided on the spot)";
        Commitment = "2", "承诺件", "commitment (decided within the promised limit)";
    }
}

dictionary! {
    /// 办理形式.
    HandlingForm("handling form", "办理形式") {
        Window = "1", "窗口办理", "at a window";
        Online = "2", "网上办理", "online";
        Express = "3", "快递申请", "by post";
    }
}

dictionary! {
    /// Where an item is handled after the reform (ours; counted in the reform's totals).
    HandlingPlace("handling place", "办理地点") {
        Transferred = "transferred", "划转至审批局", "transferred to the bureau";
        HallWindow = "hall_window", "进驻大厅窗口", "department window in the hall, not transferred";
        Department = "department", "保留在部门", "kept at the department";
    }
}

dictionary! {
    /// Whether an item is itself a licensing item or one related to it (变更, 延续, 注销 …).
    ItemCategory("item category", "事项类别") {
        Licensing = "licensing", "行政许可事项", "licensing item";
        Related = "related", "关联事项", "related item";
    }
}

dictionary! {
    /// Business area, used to group items in the hall and on dashboards.
    Area("area", "业务领域") {
        Market = "market", "市场准入", "market access";
        Investment = "investment", "投资建设", "investment and construction";
        Urban = "urban", "城市管理", "urban management";
        Environment = "environment", "生态环境", "environment";
        Transport = "transport", "交通运输", "transport";
        Livelihood = "livelihood", "社会民生", "livelihood and social affairs";
    }
}

dictionary! {
    /// Who supplies a material: the applicant, or a department that issued it (shared data).
    MaterialSource("material source", "材料来源") {
        Applicant = "self", "申请人自备", "supplied by the applicant";
        Department = "department", "政府部门核发", "issued by a government department";
    }
}

dictionary! {
    /// 特别程序: the Licensing Law Art 45 procedures whose time is excluded from the limits,
    /// plus site checks, which catalogs list the same way.
    SpecialProcedureKind("special procedure kind", "特别程序种类") {
        Hearing = "hearing", "听证", "hearing";
        Tender = "tender", "招标", "tender";
        Auction = "auction", "拍卖", "auction";
        Inspection = "inspection", "检验", "inspection";
        Testing = "testing", "检测", "testing";
        Quarantine = "quarantine", "检疫", "quarantine";
        Appraisal = "appraisal", "鉴定", "appraisal";
        ExpertReview = "expert_review", "专家评审", "expert review";
        SiteCheck = "site_check", "现场核查", "site check";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_codes_round_trip<T>(
        all: &[T],
        code: fn(T) -> &'static str,
        from: fn(&str) -> Option<T>,
    ) where
        T: Copy + PartialEq + std::fmt::Debug,
    {
        for &v in all {
            assert_eq!(from(code(v)), Some(v));
        }
        let mut codes: Vec<_> = all.iter().map(|&v| code(v)).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len(), "codes must be distinct");
    }

    #[test]
    fn every_dictionary_code_maps_back_to_its_variant() {
        assert_codes_round_trip(ItemType::ALL, ItemType::code, ItemType::from_code);
        assert_codes_round_trip(
            ExerciseLevel::ALL,
            ExerciseLevel::code,
            ExerciseLevel::from_code,
        );
        assert_codes_round_trip(PowerSource::ALL, PowerSource::code, PowerSource::from_code);
        assert_codes_round_trip(
            ServiceObject::ALL,
            ServiceObject::code,
            ServiceObject::from_code,
        );
        assert_codes_round_trip(CaseKind::ALL, CaseKind::code, CaseKind::from_code);
        assert_codes_round_trip(
            HandlingForm::ALL,
            HandlingForm::code,
            HandlingForm::from_code,
        );
        assert_codes_round_trip(
            HandlingPlace::ALL,
            HandlingPlace::code,
            HandlingPlace::from_code,
        );
        assert_codes_round_trip(
            ItemCategory::ALL,
            ItemCategory::code,
            ItemCategory::from_code,
        );
        assert_codes_round_trip(Area::ALL, Area::code, Area::from_code);
        assert_codes_round_trip(
            MaterialSource::ALL,
            MaterialSource::code,
            MaterialSource::from_code,
        );
        assert_codes_round_trip(
            SpecialProcedureKind::ALL,
            SpecialProcedureKind::code,
            SpecialProcedureKind::from_code,
        );
    }

    #[test]
    fn national_item_type_codes_match_the_platform_dictionary() {
        assert_eq!(ItemType::AdministrativeLicensing.code(), "01");
        assert_eq!(ItemType::OtherPower.code(), "10");
        assert_eq!(ItemType::PublicService.code(), "20");
        assert_eq!(ItemType::ALL.len(), 11);
        assert_eq!(ExerciseLevel::City.code(), "3");
        assert_eq!(CaseKind::Commitment.name_zh(), "承诺件");
    }

    #[test]
    fn dictionaries_serialize_as_codes() {
        assert_eq!(
            serde_json::to_string(&ItemType::AdministrativeLicensing).unwrap(),
            "\"01\""
        );
        assert_eq!(
            serde_json::to_string(&HandlingPlace::HallWindow).unwrap(),
            "\"hall_window\""
        );
        assert_eq!(
            serde_json::from_str::<PowerSource>("\"2\"").unwrap(),
            PowerSource::DelegatedFromHigher
        );
        assert!(serde_json::from_str::<ItemType>("\"1\"").is_err());
    }

    #[test]
    fn unknown_code_error_lists_the_allowed_codes() {
        let err = CaseKind::parse("3").unwrap_err();
        assert_eq!(err.allowed, "1, 2");
        assert_eq!(err.reason_zh(), "“3”不是有效的办件类型代码（可选：1, 2）");
    }
}
