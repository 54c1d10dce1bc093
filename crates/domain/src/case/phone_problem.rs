//! Why a phone number was refused: its own module because both the parser (`phone`) and the
//! case's [`ParseError`](super::ParseError) (`error`) name it, and neither may import the other.

/// Why a phone number was refused, in terms a clerk can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneProblem {
    /// Nothing but separators.
    Empty,
    /// Longer than anyone writes a phone number.
    TooLong {
        /// Most characters accepted.
        max: usize,
    },
    /// A character that is neither a digit, a separator nor an extension marker.
    Character {
        /// 1-based position in the text as typed (after trimming).
        position: usize,
        /// The character.
        found: char,
    },
    /// A country code other than +86.
    Foreign,
    /// Starts like a mobile but has the wrong number of digits.
    MobileLength {
        /// Digits found.
        actual: usize,
    },
    /// A mobile whose second digit is 0, 1 or 2.
    MobilePrefix {
        /// The second digit.
        second: char,
    },
    /// A mobile written with an extension.
    MobileExtension,
    /// An area code that does not exist (`00…`, `01` other than `010`).
    AreaCode,
    /// A local number of the wrong length for its area code.
    LocalLength {
        /// The area code.
        area: String,
        /// Lengths allowed, e.g. `8` or `7–8`.
        expected: &'static str,
        /// Digits found.
        actual: usize,
    },
    /// A local number starting with 0 (the trunk prefix).
    LocalStart,
    /// Seven or eight digits without an area code.
    NoAreaCode,
    /// Neither a mobile nor a landline.
    Unrecognised {
        /// Digits found.
        digits: usize,
    },
    /// An extension that is not 1 to 6 digits.
    Extension,
}

impl PhoneProblem {
    /// The reason in Chinese, for the clerk.
    #[must_use]
    pub fn reason_zh(&self) -> String {
        match self {
            Self::Empty => "联系电话不能为空".to_owned(),
            Self::TooLong { max } => format!("联系电话过长（最多{max}个字符）"),
            Self::Character { position, found } => {
                format!(
                    "联系电话第{position}位字符“{found}”不合法（只能填写数字、空格、“-”、括号和“转”）"
                )
            }
            Self::Foreign => "只受理中国大陆电话号码（国家代码+86）".to_owned(),
            Self::MobileLength { actual } => format!("手机号码应为11位，实际为{actual}位"),
            Self::MobilePrefix { second } => {
                format!("手机号码第2位应为3至9，实际为“{second}”")
            }
            Self::MobileExtension => "手机号码不带分机号".to_owned(),
            Self::AreaCode => "固定电话区号不存在（应为010、02X或0开头的4位区号）".to_owned(),
            Self::LocalLength {
                area,
                expected,
                actual,
            } => format!("区号{area}的固定电话号码应为{expected}位，实际为{actual}位"),
            Self::LocalStart => "固定电话号码（区号之后）不能以0开头".to_owned(),
            Self::NoAreaCode => "固定电话须加区号，例如 0531-86001234".to_owned(),
            Self::Unrecognised { digits } => {
                format!("联系电话共{digits}位数字，既不是11位手机号码，也不是“区号+号码”的固定电话")
            }
            Self::Extension => "分机号应为1至6位数字".to_owned(),
        }
    }

    /// The reason in English, for logs and English-speaking callers.
    #[must_use]
    pub fn reason_en(&self) -> String {
        match self {
            Self::Empty => "the phone number is empty".to_owned(),
            Self::TooLong { max } => {
                format!("the phone number is too long (at most {max} characters)")
            }
            Self::Character { position, found } => format!(
                "the phone number has the invalid character {found:?} at position {position} (digits, spaces, '-', parentheses and an extension only)"
            ),
            Self::Foreign => "only mainland Chinese numbers (+86) are accepted".to_owned(),
            Self::MobileLength { actual } => {
                format!("a mobile number has 11 digits, got {actual}")
            }
            Self::MobilePrefix { second } => {
                format!("a mobile number's second digit is 3 to 9, got {second:?}")
            }
            Self::MobileExtension => "a mobile number has no extension".to_owned(),
            Self::AreaCode => {
                "no such area code (010, 02X or a four-digit code starting with 0)".to_owned()
            }
            Self::LocalLength {
                area,
                expected,
                actual,
            } => format!("a local number in area {area} has {expected} digits, got {actual}"),
            Self::LocalStart => "a local number does not start with 0".to_owned(),
            Self::NoAreaCode => "a landline needs its area code, e.g. 0531-86001234".to_owned(),
            Self::Unrecognised { digits } => format!(
                "{digits} digits are neither an 11-digit mobile nor an area code with a local number"
            ),
            Self::Extension => "an extension has 1 to 6 digits".to_owned(),
        }
    }
}
