//! The JSON names of the scheme's unit enums, for the hand-written reader and the
//! canonical writer (serde's derives carry the same names for the app and the server; a
//! test checks that the two agree for every variant).

use super::{BelowMin, Category, Effect, EmptyCounts, FilledBy, Missing, PeriodKind, RoundingMode, SourceKind, Track};

macro_rules! names {
    ($($ty:ident { $($variant:ident = $name:literal,)* })*) => {$(
        impl $ty {
            /// Every variant, in declaration order.
            #[cfg(test)]
            pub(crate) const ALL: &'static [Self] = &[$(Self::$variant,)*];

            /// The name in JSON.
            pub(crate) fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)*
                }
            }

            /// The variant a JSON name stands for.
            pub(crate) fn from_name(name: &str) -> Option<Self> {
                match name {
                    $($name => Some(Self::$variant),)*
                    _ => None,
                }
            }
        }
    )*};
}

names! {
    PeriodKind { Month = "month", Quarter = "quarter", HalfYear = "half_year", Year = "year", }
    RoundingMode { HalfUp = "half_up", }
    Category {
        Common = "common", Specific = "specific", Special = "special", Excellence = "excellence",
        Dimension = "dimension", Evaluation = "evaluation", Bonus = "bonus", Penalty = "penalty",
    }
    Effect { Add = "add", Bonus = "bonus", Penalty = "penalty", }
    Track { Required = "required", Optional = "optional", Featured = "featured", }
    FilledBy { Own = "self", Leader = "leader", Office = "office", System = "system", Sources = "sources", }
    SourceKind { Own = "self", Leader = "leader", Peer = "peer", Social = "social", TwoWay = "two_way", }
    BelowMin { Exclude = "exclude", Zero = "zero", }
    EmptyCounts { Zero = "zero", Excluded = "excluded", }
    Missing { Zero = "zero", MeanOfPresent = "mean_of_present", Reject = "reject", }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agree<T: serde::Serialize + Copy>(all: &[T], name: impl Fn(T) -> &'static str) {
        for &variant in all {
            assert_eq!(serde_json::to_string(&variant).unwrap(), format!("\"{}\"", name(variant)));
        }
    }

    #[test]
    fn names_agree_with_serde() {
        agree(PeriodKind::ALL, PeriodKind::as_str);
        agree(RoundingMode::ALL, RoundingMode::as_str);
        agree(Category::ALL, Category::as_str);
        agree(Effect::ALL, Effect::as_str);
        agree(Track::ALL, Track::as_str);
        agree(FilledBy::ALL, FilledBy::as_str);
        agree(SourceKind::ALL, SourceKind::as_str);
        agree(BelowMin::ALL, BelowMin::as_str);
        agree(EmptyCounts::ALL, EmptyCounts::as_str);
        agree(Missing::ALL, Missing::as_str);
    }
}
