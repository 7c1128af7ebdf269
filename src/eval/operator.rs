//! The grammar of condition operators: `[ForAllValues:|ForAnyValue:]Base[IfExists]`, read
//! into a typed [`Operator`] once, for the evaluator and for the findings that check
//! operators (`unknown-condition-operator`, `null-with-if-exists`).

use super::context::Arn;
use super::values;

/// The operators of the IAM reference, without qualifier or `IfExists`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BaseOperator {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

/// The type an operator reads the request's and the policy's values as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValueType {
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    IpAddress,
    Arn,
    /// `Null`: the values say whether the key must be absent (`true`) or present (`false`).
    Null,
}

impl ValueType {
    pub fn as_str(self) -> &'static str {
        match self {
            ValueType::String => "String",
            ValueType::Numeric => "Numeric",
            ValueType::Date => "Date",
            ValueType::Bool => "Bool",
            ValueType::Binary => "Binary",
            ValueType::IpAddress => "IPAddress",
            ValueType::Arn => "ARN",
            ValueType::Null => "Null",
        }
    }

    /// Why `value` is not a value of this type, if it is not.
    pub fn check(self, value: &str) -> Result<(), String> {
        match self {
            ValueType::String | ValueType::Null => Ok(()),
            ValueType::Numeric => values::number(value).map(drop),
            ValueType::Date => values::date(value).map(drop),
            ValueType::Bool => values::boolean(value).map(drop),
            ValueType::Binary => values::base64(value).map(drop),
            ValueType::IpAddress => values::ip_address(value).map(drop),
            ValueType::Arn => Arn::parse(value)
                .map(drop)
                .ok_or_else(|| format!("`{value}` is not an ARN")),
        }
    }
}

/// How an ordered comparison reads: request value `<`, `<=`, `=`, `>=`, `>` policy value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ordering {
    Less,
    LessOrEqual,
    Equal,
    GreaterOrEqual,
    Greater,
}

impl Ordering {
    pub fn holds(self, o: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering as O;
        match self {
            Ordering::Less => o == O::Less,
            Ordering::LessOrEqual => o != O::Greater,
            Ordering::Equal => o == O::Equal,
            Ordering::GreaterOrEqual => o != O::Less,
            Ordering::Greater => o == O::Greater,
        }
    }
}

use BaseOperator as B;

impl BaseOperator {
    pub const ALL: [BaseOperator; 27] = [
        B::StringEquals,
        B::StringNotEquals,
        B::StringEqualsIgnoreCase,
        B::StringNotEqualsIgnoreCase,
        B::StringLike,
        B::StringNotLike,
        B::NumericEquals,
        B::NumericNotEquals,
        B::NumericLessThan,
        B::NumericLessThanEquals,
        B::NumericGreaterThan,
        B::NumericGreaterThanEquals,
        B::DateEquals,
        B::DateNotEquals,
        B::DateLessThan,
        B::DateLessThanEquals,
        B::DateGreaterThan,
        B::DateGreaterThanEquals,
        B::Bool,
        B::BinaryEquals,
        B::IpAddress,
        B::NotIpAddress,
        B::ArnEquals,
        B::ArnLike,
        B::ArnNotEquals,
        B::ArnNotLike,
        B::Null,
    ];

    /// The name as the IAM reference spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            B::StringEquals => "StringEquals",
            B::StringNotEquals => "StringNotEquals",
            B::StringEqualsIgnoreCase => "StringEqualsIgnoreCase",
            B::StringNotEqualsIgnoreCase => "StringNotEqualsIgnoreCase",
            B::StringLike => "StringLike",
            B::StringNotLike => "StringNotLike",
            B::NumericEquals => "NumericEquals",
            B::NumericNotEquals => "NumericNotEquals",
            B::NumericLessThan => "NumericLessThan",
            B::NumericLessThanEquals => "NumericLessThanEquals",
            B::NumericGreaterThan => "NumericGreaterThan",
            B::NumericGreaterThanEquals => "NumericGreaterThanEquals",
            B::DateEquals => "DateEquals",
            B::DateNotEquals => "DateNotEquals",
            B::DateLessThan => "DateLessThan",
            B::DateLessThanEquals => "DateLessThanEquals",
            B::DateGreaterThan => "DateGreaterThan",
            B::DateGreaterThanEquals => "DateGreaterThanEquals",
            B::Bool => "Bool",
            B::BinaryEquals => "BinaryEquals",
            B::IpAddress => "IpAddress",
            B::NotIpAddress => "NotIpAddress",
            B::ArnEquals => "ArnEquals",
            B::ArnLike => "ArnLike",
            B::ArnNotEquals => "ArnNotEquals",
            B::ArnNotLike => "ArnNotLike",
            B::Null => "Null",
        }
    }

    /// Whether the operator is true when no policy value matches (`StringNotEquals`,
    /// `NotIpAddress`, ...).
    pub fn is_negated(self) -> bool {
        matches!(
            self,
            B::StringNotEquals
                | B::StringNotEqualsIgnoreCase
                | B::StringNotLike
                | B::NumericNotEquals
                | B::DateNotEquals
                | B::NotIpAddress
                | B::ArnNotEquals
                | B::ArnNotLike
        )
    }

    /// The positive operator a negated one denies (`StringNotLike` → `StringLike`); itself
    /// when it is not negated.
    pub fn positive(self) -> BaseOperator {
        match self {
            B::StringNotEquals => B::StringEquals,
            B::StringNotEqualsIgnoreCase => B::StringEqualsIgnoreCase,
            B::StringNotLike => B::StringLike,
            B::NumericNotEquals => B::NumericEquals,
            B::DateNotEquals => B::DateEquals,
            B::NotIpAddress => B::IpAddress,
            B::ArnNotEquals => B::ArnEquals,
            B::ArnNotLike => B::ArnLike,
            other => other,
        }
    }

    pub fn value_type(self) -> ValueType {
        match self {
            B::StringEquals
            | B::StringNotEquals
            | B::StringEqualsIgnoreCase
            | B::StringNotEqualsIgnoreCase
            | B::StringLike
            | B::StringNotLike => ValueType::String,
            B::NumericEquals
            | B::NumericNotEquals
            | B::NumericLessThan
            | B::NumericLessThanEquals
            | B::NumericGreaterThan
            | B::NumericGreaterThanEquals => ValueType::Numeric,
            B::DateEquals
            | B::DateNotEquals
            | B::DateLessThan
            | B::DateLessThanEquals
            | B::DateGreaterThan
            | B::DateGreaterThanEquals => ValueType::Date,
            B::Bool => ValueType::Bool,
            B::BinaryEquals => ValueType::Binary,
            B::IpAddress | B::NotIpAddress => ValueType::IpAddress,
            B::ArnEquals | B::ArnLike | B::ArnNotEquals | B::ArnNotLike => ValueType::Arn,
            B::Null => ValueType::Null,
        }
    }

    /// Whether `*` and `?` in policy values are wildcards (`...Like`, and every `Arn...`
    /// operator, `ArnEquals` included).
    pub fn has_wildcards(self) -> bool {
        matches!(self, B::StringLike | B::StringNotLike) || self.value_type() == ValueType::Arn
    }

    /// Whether policy values may hold policy variables (string and ARN operators only).
    pub fn takes_variables(self) -> bool {
        matches!(self.value_type(), ValueType::String | ValueType::Arn)
    }

    /// The comparison of a numeric or date operator.
    pub fn ordering(self) -> Ordering {
        match self {
            B::NumericLessThan | B::DateLessThan => Ordering::Less,
            B::NumericLessThanEquals | B::DateLessThanEquals => Ordering::LessOrEqual,
            B::NumericGreaterThan | B::DateGreaterThan => Ordering::Greater,
            B::NumericGreaterThanEquals | B::DateGreaterThanEquals => Ordering::GreaterOrEqual,
            _ => Ordering::Equal,
        }
    }
}

/// `ForAllValues:` or `ForAnyValue:`, for keys with several values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    ForAllValues,
    ForAnyValue,
}

impl SetQualifier {
    pub fn as_str(self) -> &'static str {
        match self {
            SetQualifier::ForAllValues => "ForAllValues",
            SetQualifier::ForAnyValue => "ForAnyValue",
        }
    }
}

/// A condition operator read from its spelling.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Operator {
    pub base: BaseOperator,
    pub set: Option<SetQualifier>,
    pub if_exists: bool,
    /// The spelling differs from the reference's only in letter case.
    pub case_differs: bool,
}

impl Operator {
    pub fn is_negated(&self) -> bool {
        self.base.is_negated()
    }

    pub fn value_type(&self) -> ValueType {
        self.base.value_type()
    }

    /// The operator as the reference spells it.
    pub fn canonical(&self) -> String {
        let mut out = String::with_capacity(48);
        if let Some(set) = self.set {
            out.push_str(set.as_str());
            out.push(':');
        }
        out.push_str(self.base.as_str());
        if self.if_exists {
            out.push_str("IfExists");
        }
        out
    }
}

/// Why an operator could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownOperator {
    pub message: String,
}

/// Reads an operator such as `ForAnyValue:StringLikeIfExists`. Letter case is not
/// significant (the result records when it differs from the reference's spelling).
pub fn parse_operator(s: &str) -> Result<Operator, UnknownOperator> {
    let unknown = |why: &str| UnknownOperator {
        message: format!("`{s}` is not a condition operator{why}"),
    };
    let mut rest = s;
    let mut set = None;
    if let Some((prefix, after)) = s.split_once(':') {
        set = Some(
            [SetQualifier::ForAllValues, SetQualifier::ForAnyValue]
                .into_iter()
                .find(|q| q.as_str().eq_ignore_ascii_case(prefix))
                .ok_or_else(|| {
                    unknown(": the part before `:` must be ForAllValues or ForAnyValue")
                })?,
        );
        rest = after;
    }
    let (name, if_exists) = match rest.len().checked_sub("IfExists".len()) {
        Some(at) if rest.is_char_boundary(at) && rest[at..].eq_ignore_ascii_case("IfExists") => {
            (&rest[..at], true)
        }
        _ => (rest, false),
    };
    let base = BaseOperator::ALL
        .into_iter()
        .find(|b| b.as_str().eq_ignore_ascii_case(name))
        .ok_or_else(|| unknown(""))?;
    let mut operator = Operator {
        base,
        set,
        if_exists,
        case_differs: false,
    };
    operator.case_differs = operator.canonical() != s;
    Ok(operator)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reference_operator_reads_with_qualifiers_and_if_exists() {
        for base in BaseOperator::ALL {
            let op = parse_operator(&format!("ForAnyValue:{}IfExists", base.as_str())).unwrap();
            assert_eq!(op.base, base);
            assert_eq!(op.set, Some(SetQualifier::ForAnyValue));
            assert!(op.if_exists);
            assert!(!op.case_differs);
        }
    }

    #[test]
    fn the_typed_result_says_what_the_operator_does() {
        let op = parse_operator("StringNotLike").unwrap();
        assert!(op.is_negated());
        assert_eq!(op.base.positive(), BaseOperator::StringLike);
        assert_eq!(op.value_type(), ValueType::String);
        assert!(op.base.has_wildcards());
        assert!(parse_operator("ArnEquals").unwrap().base.has_wildcards());
        assert!(!parse_operator("StringEquals").unwrap().base.has_wildcards());
        let null = parse_operator("NullIfExists").unwrap();
        assert_eq!((null.base, null.if_exists), (BaseOperator::Null, true));
    }

    #[test]
    fn case_differences_are_read_and_recorded() {
        let op = parse_operator("stringequals").unwrap();
        assert_eq!(op.base, BaseOperator::StringEquals);
        assert!(op.case_differs);
        assert_eq!(op.canonical(), "StringEquals");
    }

    #[test]
    fn unknown_operators_say_why() {
        assert!(parse_operator("StringEqualz").is_err());
        assert!(
            parse_operator("ForSomeValues:StringEquals")
                .unwrap_err()
                .message
                .contains("ForAllValues or ForAnyValue")
        );
        assert!(parse_operator("").is_err());
        assert!(parse_operator("IfExists").is_err());
    }
}
