//! Service ratings (好差评): after a case is closed, its applicant rates it once; a bad rating
//! opens a rectification task due within 15 working days, tracked like any other deadline.

use serde::{Deserialize, Serialize};

/// Working days the bureau has to rectify after a bad rating.
pub const RECTIFICATION_DAYS: u32 = 15;

/// The five levels of the national 好差评 scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RatingLevel {
    VeryUnsatisfied,
    Unsatisfied,
    Basic,
    Satisfied,
    VerySatisfied,
}

impl RatingLevel {
    pub const ALL: [RatingLevel; 5] = [
        RatingLevel::VerySatisfied,
        RatingLevel::Satisfied,
        RatingLevel::Basic,
        RatingLevel::Unsatisfied,
        RatingLevel::VeryUnsatisfied,
    ];

    pub fn name_zh(self) -> &'static str {
        match self {
            RatingLevel::VerySatisfied => "非常满意",
            RatingLevel::Satisfied => "满意",
            RatingLevel::Basic => "基本满意",
            RatingLevel::Unsatisfied => "不满意",
            RatingLevel::VeryUnsatisfied => "非常不满意",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            RatingLevel::VerySatisfied => "very_satisfied",
            RatingLevel::Satisfied => "satisfied",
            RatingLevel::Basic => "basic",
            RatingLevel::Unsatisfied => "unsatisfied",
            RatingLevel::VeryUnsatisfied => "very_unsatisfied",
        }
    }

    /// 差评: the two lowest levels open a rectification task.
    pub fn is_bad(self) -> bool {
        self <= RatingLevel::Unsatisfied
    }
}

/// Where the rating was given (the scheme's channel indicator).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RatingChannel {
    /// 窗口评价器.
    Window,
    /// 网上办事大厅.
    Online,
    /// 移动端.
    Mobile,
    /// 12345 热线.
    Hotline,
}

impl RatingChannel {
    pub fn name_zh(self) -> &'static str {
        match self {
            RatingChannel::Window => "窗口",
            RatingChannel::Online => "网上",
            RatingChannel::Mobile => "移动端",
            RatingChannel::Hotline => "热线",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_two_lowest_levels_are_bad() {
        let bad: Vec<_> = RatingLevel::ALL.iter().filter(|l| l.is_bad()).collect();
        assert_eq!(
            bad,
            [&RatingLevel::Unsatisfied, &RatingLevel::VeryUnsatisfied]
        );
        assert_eq!(RatingLevel::Basic.name_zh(), "基本满意");
    }
}
