//! Sheet arithmetic as data: linear relations between the count fields of a sheet.
//!
//! A [`Rule`] is parsed from text and displayed back the same way:
//!
//! ```
//! use actas::rules::Rule;
//!
//! let rule: Rule = "valid + null + blank == voters".parse()?;
//! assert_eq!(rule.to_string(), "valid + null + blank == voters");
//! let rule: Rule = "ballots_received >= ballots_issued + 2*cancelled".parse()?;
//! assert_eq!(rule.to_string(), "ballots_received >= ballots_issued + 2*cancelled");
//! # Ok::<(), actas::Error>(())
//! ```
//!
//! A term is a standard field (`electors`, `voters`, `valid`, `null`, `blank`), the code of a
//! ballot line, the name of a further field of the set, or `sum(candidates)` (the votes of every
//! ballot line). A rule over a field that a sheet does not carry is skipped on that sheet and
//! counted as skipped, never evaluated with 0.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};
use crate::model::{ActaSet, Field};

/// The relation between the two sides of a [`Rule`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relation {
    /// `==`
    Eq,
    /// `<=`
    Le,
    /// `>=`
    Ge,
}

impl Relation {
    fn holds(self, lhs: i128, rhs: i128) -> bool {
        match self {
            Relation::Eq => lhs == rhs,
            Relation::Le => lhs <= rhs,
            Relation::Ge => lhs >= rhs,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            Relation::Eq => "==",
            Relation::Le => "<=",
            Relation::Ge => ">=",
        }
    }
}

/// One term of a rule's side, before it is bound to a set.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Term {
    /// A field by name: a standard field, a ballot line code or a further field.
    Named(String),
    /// `sum(candidates)`: the votes of every ballot line.
    SumOfLines,
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Term::Named(n) => f.write_str(n),
            Term::SumOfLines => f.write_str("sum(candidates)"),
        }
    }
}

/// A linear relation between sheet fields with integer coefficients:
/// `c1*t1 + c2*t2 ... (== | <= | >=) d1*u1 + ...`.
///
/// Invariant: each side has at least one term; no coefficient is 0.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Rule {
    lhs: Vec<(i64, Term)>,
    relation: Relation,
    rhs: Vec<(i64, Term)>,
}

impl Rule {
    /// `valid == sum(candidates)`: the candidates' votes add up to the valid votes.
    pub fn valid_is_sum_of_candidates() -> Rule {
        "valid == sum(candidates)"
            .parse()
            .expect("a well-formed rule")
    }

    /// `valid + null + blank == voters`: every ballot cast is valid, null or blank.
    pub fn ballots_add_up() -> Rule {
        "valid + null + blank == voters"
            .parse()
            .expect("a well-formed rule")
    }

    /// `voters <= electors`: no more ballots than registered electors.
    pub fn voters_within_electors() -> Rule {
        "voters <= electors".parse().expect("a well-formed rule")
    }

    /// The left side.
    pub fn lhs(&self) -> &[(i64, Term)] {
        &self.lhs
    }

    /// The relation.
    pub fn relation(&self) -> Relation {
        self.relation
    }

    /// The right side.
    pub fn rhs(&self) -> &[(i64, Term)] {
        &self.rhs
    }
}

fn write_side(f: &mut fmt::Formatter<'_>, side: &[(i64, Term)]) -> fmt::Result {
    for (i, (c, t)) in side.iter().enumerate() {
        let sign = if *c < 0 { "-" } else { "+" };
        match (i, *c < 0) {
            (0, false) => {}
            (0, true) => f.write_str("-")?,
            _ => write!(f, " {sign} ")?,
        }
        let magnitude = c.unsigned_abs();
        if magnitude != 1 {
            write!(f, "{magnitude}*")?;
        }
        write!(f, "{t}")?;
    }
    Ok(())
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_side(f, &self.lhs)?;
        write!(f, " {} ", self.relation.symbol())?;
        write_side(f, &self.rhs)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Int(i64),
    Plus,
    Minus,
    Star,
    Rel(Relation),
    Sum,
}

fn tokenize(text: &str) -> Result<Vec<Token>> {
    let bad = |why: String| Error::invalid("rule", text, why);
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' => i += 1,
            b'+' => (out.push(Token::Plus), i += 1).1,
            b'-' => (out.push(Token::Minus), i += 1).1,
            b'*' => (out.push(Token::Star), i += 1).1,
            b'=' | b'<' | b'>' => {
                if b.get(i + 1) != Some(&b'=') {
                    return Err(bad(format!("at byte {i}: expected ==, <= or >=")));
                }
                out.push(Token::Rel(match c {
                    b'=' => Relation::Eq,
                    b'<' => Relation::Le,
                    _ => Relation::Ge,
                }));
                i += 2;
            }
            b'0'..=b'9' => {
                let start = i;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                let n = text[start..i]
                    .parse()
                    .map_err(|_| bad(format!("at byte {start}: coefficient too large")))?;
                out.push(Token::Int(n));
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.')
                {
                    i += 1;
                }
                let word = &text[start..i];
                if word == "sum" {
                    let rest = &text[i..];
                    let inner = rest
                        .strip_prefix("(candidates)")
                        .or_else(|| rest.strip_prefix("(lines)"));
                    match inner {
                        Some(after) => {
                            i = text.len() - after.len();
                            out.push(Token::Sum);
                        }
                        None => {
                            return Err(bad(format!(
                                "at byte {start}: only sum(candidates) is known"
                            )));
                        }
                    }
                } else {
                    out.push(Token::Ident(word.to_owned()));
                }
            }
            _ => {
                let ch = text[i..].chars().next().unwrap_or('?');
                return Err(bad(format!("at byte {i}: unexpected '{ch}'")));
            }
        }
    }
    Ok(out)
}

fn parse_side(tokens: &[Token], text: &str) -> Result<Vec<(i64, Term)>> {
    let bad = |why: &str| Error::invalid("rule", text, why);
    let mut side = Vec::new();
    let mut i = 0;
    if tokens.is_empty() {
        return Err(bad("a side of the relation is empty"));
    }
    while i < tokens.len() {
        let mut sign = 1i64;
        match (&tokens[i], side.is_empty()) {
            (Token::Plus, false) => i += 1,
            (Token::Minus, _) => {
                sign = -1;
                i += 1;
            }
            (_, true) => {}
            _ => return Err(bad("expected + or - between terms")),
        }
        let mut coef = 1i64;
        if let Some(Token::Int(n)) = tokens.get(i) {
            if tokens.get(i + 1) != Some(&Token::Star) {
                return Err(bad("a coefficient must be followed by *"));
            }
            coef = *n;
            i += 2;
        }
        let term = match tokens.get(i) {
            Some(Token::Ident(name)) => Term::Named(name.clone()),
            Some(Token::Sum) => Term::SumOfLines,
            _ => return Err(bad("expected a field name or sum(candidates)")),
        };
        i += 1;
        if coef == 0 {
            return Err(bad("a coefficient of 0 is meaningless"));
        }
        side.push((sign * coef, term));
    }
    Ok(side)
}

impl FromStr for Rule {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        let tokens = tokenize(text)?;
        let rel: Vec<usize> = tokens
            .iter()
            .enumerate()
            .filter(|(_, t)| matches!(t, Token::Rel(_)))
            .map(|(i, _)| i)
            .collect();
        let [at] = rel[..] else {
            return Err(Error::invalid(
                "rule",
                text,
                "needs exactly one of ==, <=, >=",
            ));
        };
        let Token::Rel(relation) = tokens[at] else {
            unreachable!("filtered on Rel")
        };
        Ok(Rule {
            lhs: parse_side(&tokens[..at], text)?,
            relation,
            rhs: parse_side(&tokens[at + 1..], text)?,
        })
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Rule {
    /// A rule serialises as its text.
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Rule {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A term bound to a set's columns.
#[derive(Debug, Clone, Copy)]
enum Bound {
    Field(Field),
    Lines,
    /// A name the set does not have: absent on every sheet.
    Missing,
}

/// A rule bound to one set, ready to evaluate sheet by sheet.
#[derive(Debug, Clone)]
pub(crate) struct BoundRule {
    lhs: Vec<(i64, Bound)>,
    relation: Relation,
    rhs: Vec<(i64, Bound)>,
}

/// Sheets evaluated at once: small enough for the accumulators to stay in cache.
pub(crate) const BLOCK: usize = 4096;

/// One rule's sides over a block of sheets.
#[derive(Debug, Clone, Default)]
pub(crate) struct BlockValues {
    pub lhs: Vec<i128>,
    pub rhs: Vec<i128>,
    /// Whether a field of the rule is absent on the sheet (the rule is skipped there).
    pub absent: Vec<bool>,
}

impl BoundRule {
    pub(crate) fn bind(rule: &Rule, set: &ActaSet) -> BoundRule {
        let bind_term = |t: &Term| match t {
            Term::SumOfLines => Bound::Lines,
            Term::Named(n) => Field::standard(n)
                .or_else(|| set.contest().line_index(n).map(Field::Line))
                .or_else(|| {
                    set.extra_fields()
                        .iter()
                        .position(|e| e == n)
                        .map(Field::Extra)
                })
                .map_or(Bound::Missing, Bound::Field),
        };
        BoundRule {
            lhs: rule.lhs.iter().map(|(c, t)| (*c, bind_term(t))).collect(),
            relation: rule.relation,
            rhs: rule.rhs.iter().map(|(c, t)| (*c, bind_term(t))).collect(),
        }
    }

    /// Adds `c × column` over sheets `start..end` into `acc`, marking absent values.
    fn add_column(
        set: &ActaSet,
        field: Field,
        c: i64,
        start: usize,
        acc: &mut [i128],
        absent: &mut [bool],
    ) {
        let Some(col) = set.column(field) else {
            absent.fill(true);
            return;
        };
        let c = i128::from(c);
        let raw = &col.raw()[start..start + acc.len()];
        for (a, v) in acc.iter_mut().zip(raw) {
            *a += c * i128::from(*v);
        }
        if col.has_absent() {
            for (k, a) in absent.iter_mut().enumerate() {
                if col.get(start + k).is_none() {
                    *a = true;
                }
            }
        }
    }

    fn add_side(
        &self,
        set: &ActaSet,
        side: &[(i64, Bound)],
        start: usize,
        acc: &mut [i128],
        absent: &mut [bool],
    ) {
        acc.fill(0);
        for (c, b) in side {
            match b {
                Bound::Field(f) => Self::add_column(set, *f, *c, start, acc, absent),
                Bound::Lines => {
                    let n = set.contest().lines().len();
                    if n == 0 {
                        absent.fill(true);
                    }
                    for l in 0..n {
                        Self::add_column(set, Field::Line(l), *c, start, acc, absent);
                    }
                }
                Bound::Missing => absent.fill(true),
            }
        }
    }

    /// Evaluates both sides on sheets `start..start + len` into `out`.
    pub(crate) fn evaluate_block(
        &self,
        set: &ActaSet,
        start: usize,
        len: usize,
        out: &mut BlockValues,
    ) {
        out.lhs.resize(len, 0);
        out.rhs.resize(len, 0);
        out.absent.clear();
        out.absent.resize(len, false);
        self.add_side(set, &self.lhs, start, &mut out.lhs, &mut out.absent);
        self.add_side(set, &self.rhs, start, &mut out.rhs, &mut out.absent);
    }

    /// Whether the relation holds between two evaluated sides.
    #[inline]
    pub(crate) fn holds(&self, lhs: i128, rhs: i128) -> bool {
        self.relation.holds(lhs, rhs)
    }
}

/// The rules a form's sheets must satisfy.
///
/// [`RuleSet::standard`] holds the three rules every form has; a form adds its own with
/// [`RuleSet::push`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
}

impl RuleSet {
    /// No rules.
    pub fn empty() -> Self {
        RuleSet::default()
    }

    /// The standard rules: `valid == sum(candidates)`, `valid + null + blank == voters`,
    /// `voters <= electors`.
    pub fn standard() -> Self {
        RuleSet {
            rules: vec![
                Rule::valid_is_sum_of_candidates(),
                Rule::ballots_add_up(),
                Rule::voters_within_electors(),
            ],
        }
    }

    /// Adds a rule, unless an equal one is already there.
    pub fn push(&mut self, rule: Rule) {
        if !self.rules.contains(&rule) {
            self.rules.push(rule);
        }
    }

    /// The rules, in order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_displays_canonically() {
        let cases = [
            ("valid==sum(candidates)", "valid == sum(candidates)"),
            (
                "valid + null + blank == voters",
                "valid + null + blank == voters",
            ),
            ("-a + 3*b <= c - 2*d", "-a + 3*b <= c - 2*d"),
            ("x>=y", "x >= y"),
            ("valid == sum(lines)", "valid == sum(candidates)"),
        ];
        for (text, shown) in cases {
            let r: Rule = text.parse().unwrap();
            assert_eq!(r.to_string(), shown);
            assert_eq!(shown.parse::<Rule>().unwrap(), r);
        }
    }

    #[test]
    fn rejects_malformed_text() {
        let cases = [
            ("valid", "needs exactly one of ==, <=, >="),
            ("a == b == c", "needs exactly one of ==, <=, >="),
            ("a = b", "at byte 2: expected ==, <= or >="),
            (" == b", "a side of the relation is empty"),
            ("a b == c", "expected + or - between terms"),
            ("2 a == c", "a coefficient must be followed by *"),
            ("0*a == c", "a coefficient of 0 is meaningless"),
            ("a == sum(x)", "at byte 5: only sum(candidates) is known"),
            ("a == b%", "at byte 6: unexpected '%'"),
            ("a + == b", "expected a field name or sum(candidates)"),
        ];
        for (text, why) in cases {
            let err = text.parse::<Rule>().unwrap_err().to_string();
            assert_eq!(err, format!("rule \"{text}\": {why}"));
        }
    }
}
