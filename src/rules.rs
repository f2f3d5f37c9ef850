// Over 600 lines with its unit tests (644 of code): the grammar, its parser, its printer and the
// evaluator of one small language, which must agree with one another (parse(print(r)) == r).
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
//! counted as skipped, never evaluated with 0; a rule over a name that is no field of the sheets
//! at all is an error ([`ErrorKind::UnknownRuleField`]), never a rule skipped on every sheet.
//!
//! # Grammar
//!
//! ```text
//! rule     = side relation side
//! relation = "==" | "<=" | ">="
//! side     = ["-"] term { ("+" | "-") term }
//! term     = [count "*"] name | [count "*"] "sum(candidates)"
//! name     = bare | "`" any characters but ` "`"
//! bare     = (letter | "_") { letter | digit | "_" | "." }
//! ```
//!
//! Letters and digits are those of any script, so `Единая_Россия` and `válidos` are bare names.
//! A name that starts with a digit (a party coded `21F`), holds a space or a sign, or is `sum`, is
//! written in backticks; a rule displays its names that way, so that its text parses back to it:
//!
//! ```
//! use actas::rules::Rule;
//!
//! let rule: Rule = "`21F` + `Frente Amplio` + Единая_Россия <= valid".parse()?;
//! assert_eq!(rule.names().collect::<Vec<_>>(), ["21F", "Frente Amplio", "Единая_Россия", "valid"]);
//! assert_eq!(rule.to_string(), "`21F` + `Frente Amplio` + Единая_Россия <= valid");
//!
//! let err = "21F <= valid".parse::<Rule>().unwrap_err();
//! assert!(err.to_string().contains("starts with a digit; write it in backticks: `21F`"));
//! # Ok::<(), actas::Error>(())
//! ```

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, ErrorKind, Result};
use crate::model::column::{Raw, Stored, with_raw};
use crate::model::{ActaSet, Field};

/// The relation between the two sides of a [`Rule`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Relation {
    /// `==`
    Eq,
    /// `<=`
    Le,
    /// `>=`
    Ge,
}

impl Relation {
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
#[non_exhaustive]
pub enum Term {
    /// A field by name: a standard field, a ballot line code or a further field.
    Named(String),
    /// `sum(candidates)`: the votes of every ballot line.
    SumOfLines,
}

impl fmt::Display for Term {
    /// A name that is not a bare name (one that starts with a digit, holds a space or a sign) is
    /// written in backticks, so that the text parses back to the same term.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Term::Named(n) if is_bare(n) => f.write_str(n),
            Term::Named(n) => write!(f, "`{n}`"),
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
    ///
    /// # Panics
    ///
    /// Never: the text is a constant that the tests parse.
    pub fn valid_is_sum_of_candidates() -> Rule {
        "valid == sum(candidates)"
            .parse()
            .expect("a well-formed rule")
    }

    /// `valid + null + blank == voters`: every ballot cast is valid, null or blank.
    ///
    /// # Panics
    ///
    /// Never: the text is a constant that the tests parse.
    pub fn ballots_add_up() -> Rule {
        "valid + null + blank == voters"
            .parse()
            .expect("a well-formed rule")
    }

    /// `voters <= electors`: no more ballots than registered electors.
    ///
    /// # Panics
    ///
    /// Never: the text is a constant that the tests parse.
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

/// Whether `c` may start a bare name: a letter of any script, or `_`.
fn starts_name(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

/// Whether `c` may continue a bare name: a letter or digit of any script, `_` or `.`.
fn continues_name(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '.'
}

/// Whether `name` can be written bare in a rule; any other name is written in backticks.
fn is_bare(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(starts_name) && chars.all(continues_name) && name != "sum"
}

fn tokenize(text: &str) -> Result<Vec<Token>> {
    let bad = |why: String| Error::invalid("rule", text, why);
    let mut out = Vec::new();
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        match c {
            c if c.is_whitespace() => {}
            '+' => out.push(Token::Plus),
            '-' => out.push(Token::Minus),
            '*' => out.push(Token::Star),
            '=' | '<' | '>' => {
                if it.next_if(|&(_, n)| n == '=').is_none() {
                    return Err(bad(format!("at byte {i}: expected ==, <= or >=")));
                }
                out.push(Token::Rel(match c {
                    '=' => Relation::Eq,
                    '<' => Relation::Le,
                    _ => Relation::Ge,
                }));
            }
            '`' => {
                let start = i + 1;
                let mut end = None;
                for (j, n) in it.by_ref() {
                    if n == '`' {
                        end = Some(j);
                        break;
                    }
                }
                let Some(end) = end else {
                    return Err(bad(format!(
                        "at byte {i}: a name opened with ` is not closed with another `"
                    )));
                };
                let name = &text[start..end];
                if name.trim().is_empty() {
                    return Err(bad(format!("at byte {i}: an empty name between backticks")));
                }
                out.push(Token::Ident(name.to_owned()));
            }
            c if c.is_ascii_digit() => {
                let mut end = i + 1;
                while let Some((j, _)) = it.next_if(|&(_, n)| n.is_ascii_digit()) {
                    end = j + 1;
                }
                if let Some(&(_, n)) = it.peek() {
                    if continues_name(n) {
                        let mut word_end = end;
                        while let Some((j, n)) = it.next_if(|&(_, n)| continues_name(n)) {
                            word_end = j + n.len_utf8();
                        }
                        let word = &text[i..word_end];
                        return Err(bad(format!(
                            "at byte {i}: the name {word} starts with a digit; write it in backticks: `{word}` (a coefficient is written {}*{})",
                            &text[i..end],
                            &text[end..word_end]
                        )));
                    }
                }
                let n = text[i..end]
                    .parse()
                    .map_err(|_| bad(format!("at byte {i}: coefficient too large")))?;
                out.push(Token::Int(n));
            }
            c if starts_name(c) => {
                let mut end = i + c.len_utf8();
                while let Some((j, n)) = it.next_if(|&(_, n)| continues_name(n)) {
                    end = j + n.len_utf8();
                }
                let word = &text[i..end];
                if word == "sum" {
                    let rest = &text[end..];
                    let inner = rest
                        .strip_prefix("(candidates)")
                        .or_else(|| rest.strip_prefix("(lines)"));
                    let Some(after) = inner else {
                        return Err(bad(format!(
                            "at byte {i}: only sum(candidates) is known (a field named sum is written `sum`)"
                        )));
                    };
                    let resume = text.len() - after.len();
                    while it.next_if(|&(j, _)| j < resume).is_some() {}
                    out.push(Token::Sum);
                } else {
                    out.push(Token::Ident(word.to_owned()));
                }
            }
            _ => {
                return Err(bad(format!(
                    "at byte {i}: unexpected '{c}' (a name with such characters is written in backticks)"
                )));
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

/// One rule's sides over a block of sheets: in `i32` when the rule's coefficients and the
/// widths of its columns keep every side within it (the standard rules over columns of one-byte
/// and two-byte values, up to 32,767 ballot lines), else in `i64` when the coefficients keep every side
/// within it (always for the standard rules), else in `i128`. The narrower the accumulator,
/// the more sheets one vector instruction adds up.
#[derive(Debug, Clone, Default)]
pub(crate) struct BlockValues {
    small: [Vec<i32>; 2],
    narrow: [Vec<i64>; 2],
    wide: [Vec<i128>; 2],
    /// Whether a field of the rule is absent on the sheet (the rule is skipped there).
    absent: Vec<bool>,
    /// The sum of a side's ballot lines of one-byte values, before it is added to the side
    /// ([`BoundRule::add_side`]).
    tiny_lines: Vec<u16>,
}

/// A side's accumulator: `i32`, `i64` or `i128`.
trait Accumulator: Copy + Ord + Into<i128> + std::ops::AddAssign + std::ops::SubAssign {
    fn of(v: i64) -> Self;
    fn of_u32(v: u32) -> Self;
    /// `self × v`, which the caller knows to fit.
    fn times(self, v: u32) -> Self;
}

impl Accumulator for i32 {
    #[inline]
    fn of(v: i64) -> Self {
        // Coefficients and sums checked to fit (`BoundRule::width`).
        v as i32
    }
    #[inline]
    fn of_u32(v: u32) -> Self {
        // Only values of one-byte and two-byte columns reach an `i32` side (`BoundRule::width`).
        v as i32
    }
    #[inline]
    fn times(self, v: u32) -> Self {
        self * v as i32
    }
}

impl Accumulator for i64 {
    #[inline]
    fn of(v: i64) -> Self {
        v
    }
    #[inline]
    fn of_u32(v: u32) -> Self {
        i64::from(v)
    }
    #[inline]
    fn times(self, v: u32) -> Self {
        self * i64::from(v)
    }
}

impl Accumulator for i128 {
    #[inline]
    fn of(v: i64) -> Self {
        i128::from(v)
    }
    #[inline]
    fn of_u32(v: u32) -> Self {
        i128::from(v)
    }
    #[inline]
    fn times(self, v: u32) -> Self {
        self * i128::from(v)
    }
}

/// The accumulator of a rule's sides (`BoundRule::width`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Width {
    Small,
    Narrow,
    Wide,
}

/// What a block's scan of one rule counts: sheets skipped (a field absent) and sheets that
/// break the rule.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct BlockCounts {
    pub skipped: u64,
    pub broken: u64,
}

/// The names a rule over sheets of `set` may use: the standard fields, the ballot lines' codes
/// and the further fields, in that order.
pub(crate) fn known_names(set: &ActaSet) -> Vec<String> {
    let standard = Field::STANDARD
        .into_iter()
        .filter_map(Field::standard_name)
        .map(str::to_owned);
    let lines = set.contest().lines().iter().map(|l| l.code().to_owned());
    standard
        .chain(lines)
        .chain(set.extra_fields().iter().cloned())
        .collect()
}

impl Rule {
    /// The names of the fields the rule uses, in order, repeats included.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.lhs
            .iter()
            .chain(&self.rhs)
            .filter_map(|(_, t)| match t {
                Term::Named(n) => Some(n.as_str()),
                Term::SumOfLines => None,
            })
    }

    /// Checks that every name the rule uses is one of `known`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::UnknownRuleField`] with the first unknown name and the known ones.
    pub fn check_names<S: AsRef<str>>(&self, known: &[S]) -> Result<()> {
        match self
            .names()
            .find(|n| !known.iter().any(|k| k.as_ref() == *n))
        {
            None => Ok(()),
            Some(name) => Err(Error::new(ErrorKind::UnknownRuleField {
                rule: self.to_string(),
                name: name.to_owned(),
                known: known.iter().map(|k| k.as_ref().to_owned()).collect(),
            })),
        }
    }
}

impl BoundRule {
    /// The rule bound to the columns of `set`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::UnknownRuleField`] for a name that is not a field of the set.
    pub(crate) fn bind(rule: &Rule, set: &ActaSet) -> Result<BoundRule> {
        let bind_term = |t: &Term| -> Result<Bound> {
            match t {
                Term::SumOfLines => Ok(Bound::Lines),
                Term::Named(n) => Field::standard(n)
                    .or_else(|| set.contest().line_index(n).map(Field::Line))
                    .or_else(|| {
                        set.extra_fields()
                            .iter()
                            .position(|e| e == n)
                            .map(Field::Extra)
                    })
                    .map(Bound::Field)
                    .ok_or_else(|| {
                        Error::new(ErrorKind::UnknownRuleField {
                            rule: rule.to_string(),
                            name: n.clone(),
                            known: known_names(set),
                        })
                    }),
            }
        };
        let side = |side: &[(i64, Term)]| -> Result<Vec<(i64, Bound)>> {
            side.iter().map(|(c, t)| Ok((*c, bind_term(t)?))).collect()
        };
        Ok(BoundRule {
            lhs: side(&rule.lhs)?,
            relation: rule.relation,
            rhs: side(&rule.rhs)?,
        })
    }

    /// The narrowest accumulator every value of each side fits.
    ///
    /// A side's largest magnitude is at most the sum over its terms of `|c|` times the largest
    /// value of each column the term reads: `u8::MAX` for a column of one-byte values,
    /// `u16::MAX` for two-byte values, `u32::MAX` for wider ones, nothing for a column the set
    /// lacks (the rule is skipped
    /// there). Below 2^31 it fits an `i32`. An `i64` needs only the sum of `|c|` times the
    /// number of columns below 2^31 (each at most `u32::MAX`, so the side stays below 2^63).
    fn width(&self, set: &ActaSet) -> Width {
        let lines = set.contest().lines().len();
        let largest = |f: Field| -> u128 {
            match set.column(f).map(|c| c.raw()) {
                None => 0,
                Some(Raw::Tiny(_)) => u128::from(u8::MAX),
                Some(Raw::Narrow(_)) => u128::from(u16::MAX),
                Some(Raw::Wide(_)) => u128::from(u32::MAX),
            }
        };
        let (mut small, mut narrow) = (true, true);
        for side in [&self.lhs, &self.rhs] {
            let (mut bound, mut weight) = (0u128, 0u128);
            for (c, b) in side {
                let c = u128::from(c.unsigned_abs());
                // (Saturating: only a side's size against 2^31 matters, and a rule may have
                // any number of terms.)
                let (largest, columns) = match b {
                    Bound::Field(f) => (largest(*f), 1),
                    Bound::Lines => (
                        (0..lines).map(|l| largest(Field::Line(l))).sum::<u128>(),
                        lines as u128,
                    ),
                };
                bound = bound.saturating_add(c.saturating_mul(largest));
                weight = weight.saturating_add(c.saturating_mul(columns));
            }
            small &= bound < 1 << 31;
            narrow &= weight < 1 << 31;
        }
        match (small, narrow) {
            (true, _) => Width::Small,
            (false, true) => Width::Narrow,
            (false, false) => Width::Wide,
        }
    }

    /// Adds `c × column` over sheets `start..end` into `acc`, marking absent values.
    fn add_column<T: Accumulator>(
        set: &ActaSet,
        field: Field,
        c: i64,
        start: usize,
        acc: &mut [T],
        absent: &mut [bool],
    ) {
        let Some(col) = set.column(field) else {
            absent.fill(true);
            return;
        };
        with_raw!(col.raw().slice(start..start + acc.len()), |raw| match c {
            1 => acc
                .iter_mut()
                .zip(raw)
                .for_each(|(a, &v)| *a += T::of_u32(v.value())),
            -1 => acc
                .iter_mut()
                .zip(raw)
                .for_each(|(a, &v)| *a -= T::of_u32(v.value())),
            _ => {
                let c = T::of(c);
                acc.iter_mut()
                    .zip(raw)
                    .for_each(|(a, &v)| *a += c.times(v.value()));
            }
        });
        mark_absent(col, start, absent);
    }

    /// Adds `c × values` into `acc`.
    fn add_values<T: Accumulator>(c: i64, values: &[u16], acc: &mut [T]) {
        match c {
            1 => acc
                .iter_mut()
                .zip(values)
                .for_each(|(a, &v)| *a += T::of_u32(u32::from(v))),
            -1 => acc
                .iter_mut()
                .zip(values)
                .for_each(|(a, &v)| *a -= T::of_u32(u32::from(v))),
            _ => {
                let c = T::of(c);
                acc.iter_mut()
                    .zip(values)
                    .for_each(|(a, &v)| *a += c.times(u32::from(v)));
            }
        }
    }

    /// Adds up a side over sheets `start..start + acc.len()` into `acc`, marking absent values.
    ///
    /// The ballot lines of one-byte values (most candidates' columns) are first added up in
    /// `tiny` as `u16`, 257 at most (257 × 255 = 65,535), and that sum added to the side:
    /// sixteen sheets of a column in two vector instructions, and the side read and written
    /// once for the lot, where adding each column to the side widens and stores four sheets
    /// at a time.
    fn add_side<T: Accumulator>(
        set: &ActaSet,
        side: &[(i64, Bound)],
        start: usize,
        acc: &mut [T],
        absent: &mut [bool],
        tiny: &mut Vec<u16>,
    ) {
        const GROUP: usize = 257;
        acc.fill(T::of(0));
        for (c, b) in side {
            match b {
                Bound::Field(f) => Self::add_column(set, *f, *c, start, acc, absent),
                Bound::Lines => {
                    let n = set.contest().lines().len();
                    if n == 0 {
                        absent.fill(true);
                    }
                    let mut grouped = 0;
                    for l in 0..n {
                        let one_byte = set.column(Field::Line(l)).and_then(|col| {
                            match col.raw().slice(start..start + acc.len()) {
                                Raw::Tiny(raw) => Some((col, raw)),
                                _ => None,
                            }
                        });
                        let Some((col, raw)) = one_byte else {
                            Self::add_column(set, Field::Line(l), *c, start, acc, absent);
                            continue;
                        };
                        if grouped == 0 {
                            tiny.clear();
                            tiny.resize(acc.len(), 0);
                        }
                        for (t, &v) in tiny.iter_mut().zip(raw) {
                            *t += u16::from(v);
                        }
                        mark_absent(col, start, absent);
                        grouped += 1;
                        if grouped == GROUP {
                            Self::add_values(*c, tiny, acc);
                            grouped = 0;
                        }
                    }
                    if grouped > 0 {
                        Self::add_values(*c, tiny, acc);
                    }
                }
            }
        }
    }

    /// Evaluates the rule on sheets `start..start + len` (both sides into `values`) and
    /// counts them; `broken(k, lhs, rhs)` is called for each sheet `start + k` that breaks it,
    /// in order.
    pub(crate) fn scan_block(
        &self,
        set: &ActaSet,
        start: usize,
        len: usize,
        values: &mut BlockValues,
        broken: impl FnMut(usize, i128, i128),
    ) -> BlockCounts {
        values.absent.clear();
        values.absent.resize(len, false);
        let (absent, tiny) = (&mut values.absent, &mut values.tiny_lines);
        match self.width(set) {
            Width::Small => self.scan_sides(set, start, &mut values.small, absent, tiny, broken),
            Width::Narrow => self.scan_sides(set, start, &mut values.narrow, absent, tiny, broken),
            Width::Wide => self.scan_sides(set, start, &mut values.wide, absent, tiny, broken),
        }
    }

    fn scan_sides<T: Accumulator>(
        &self,
        set: &ActaSet,
        start: usize,
        [lhs, rhs]: &mut [Vec<T>; 2],
        absent: &mut [bool],
        tiny: &mut Vec<u16>,
        broken: impl FnMut(usize, i128, i128),
    ) -> BlockCounts {
        // The block's sheets, one `absent` flag each.
        let len = absent.len();
        lhs.resize(len, T::of(0));
        rhs.resize(len, T::of(0));
        Self::add_side(set, &self.lhs, start, lhs, absent, tiny);
        Self::add_side(set, &self.rhs, start, rhs, absent, tiny);
        match self.relation {
            Relation::Eq => scan(lhs, rhs, absent, |a, b| a == b, broken),
            Relation::Le => scan(lhs, rhs, absent, |a, b| a <= b, broken),
            Relation::Ge => scan(lhs, rhs, absent, |a, b| a >= b, broken),
        }
    }
}

/// Marks in `absent` the sheets `start..start + absent.len()` that have no value in `col`.
fn mark_absent(col: &crate::model::column::OptColumn, start: usize, absent: &mut [bool]) {
    if col.has_absent() {
        for (k, a) in absent.iter_mut().enumerate() {
            if col.get(start + k).is_none() {
                *a = true;
            }
        }
    }
}

/// Counts the sheets of a block that skip a rule (`absent`) or break it (`holds` false),
/// calling `broken` for each of the latter in order.
#[inline]
fn scan<T: Accumulator>(
    lhs: &[T],
    rhs: &[T],
    absent: &[bool],
    holds: impl Fn(T, T) -> bool,
    mut broken: impl FnMut(usize, i128, i128),
) -> BlockCounts {
    let mut counts = BlockCounts::default();
    for (k, ((&l, &r), &a)) in lhs.iter().zip(rhs).zip(absent).enumerate() {
        counts.skipped += u64::from(a);
        if !a && !holds(l, r) {
            counts.broken += 1;
            broken(k, l.into(), r.into());
        }
    }
    counts
}

/// The rules a form's sheets must satisfy.
///
/// [`RuleSet::standard`] holds the three rules every form has; a form adds its own with
/// [`RuleSet::push`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
    /// Per rule, why it does not apply to the sheets at hand (`None`: it applies).
    not_applicable: Vec<Option<String>>,
}

impl FromIterator<Rule> for RuleSet {
    fn from_iter<I: IntoIterator<Item = Rule>>(rules: I) -> Self {
        let mut set = RuleSet::empty();
        for r in rules {
            set.push(r);
        }
        set
    }
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
            not_applicable: vec![None; 3],
        }
    }

    /// Adds a rule, unless an equal one is already there.
    pub fn push(&mut self, rule: Rule) {
        if !self.rules.contains(&rule) {
            self.rules.push(rule);
            self.not_applicable.push(None);
        }
    }

    /// Marks rule `index` as not applicable to the sheets at hand, with the reason (the layout
    /// makes it true by construction, or has no column for one of its fields): the checks list
    /// it once, with the reason, instead of skipping it on every sheet.
    ///
    /// [`Layout::rule_set`](crate::io::Layout::rule_set) marks the rules its layout cannot
    /// check.
    pub fn mark_not_applicable(&mut self, index: usize, reason: impl Into<String>) {
        if let Some(slot) = self.not_applicable.get_mut(index) {
            *slot = Some(reason.into());
        }
    }

    /// Why rule `index` does not apply, if it does not.
    pub fn not_applicable(&self, index: usize) -> Option<&str> {
        self.not_applicable.get(index)?.as_deref()
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
            (
                "a == sum(x)",
                "at byte 5: only sum(candidates) is known (a field named sum is written `sum`)",
            ),
            (
                "a == b%",
                "at byte 6: unexpected '%' (a name with such characters is written in backticks)",
            ),
            ("a + == b", "expected a field name or sum(candidates)"),
            // Regression: a code starting with a digit said "a coefficient must be followed by *".
            (
                "21F <= valid",
                "at byte 0: the name 21F starts with a digit; write it in backticks: `21F` (a coefficient is written 21*F)",
            ),
            (
                "`21F <= valid",
                "at byte 0: a name opened with ` is not closed with another `",
            ),
            ("`` <= valid", "at byte 0: an empty name between backticks"),
        ];
        for (text, why) in cases {
            let err = text.parse::<Rule>().unwrap_err().to_string();
            assert_eq!(err, format!("rule \"{text}\": {why}"));
        }
    }
}
