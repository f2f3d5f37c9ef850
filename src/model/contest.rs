//! Candidates, ballot lines (party cards) and the contest that holds them.

use crate::error::{Error, Result};

/// One candidate of a contest.
///
/// Invariant: the code is not empty and has no surrounding white space; the contest holding it
/// has no other candidate with the same code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Candidate {
    /// A short stable code (`"EG"`), used in layouts, bulletins and reports.
    pub code: String,
    /// The full name (`"Edmundo González Urrutia"`).
    pub name: String,
}

impl Candidate {
    /// A candidate with a code and a name.
    pub fn new(code: impl Into<String>, name: impl Into<String>) -> Self {
        Candidate {
            code: code.into(),
            name: name.into(),
        }
    }
}

/// One line of the ballot (a party card, a "tarjeta") and the candidate it carries.
///
/// A candidate may be carried by several lines: in Venezuela 2024 Maduro was on 13 cards.
/// Invariant (held by [`Contest`]): the line code is unique in its contest and the candidate index
/// points at a candidate of that contest.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BallotLine {
    code: String,
    name: Option<String>,
    candidate: usize,
}

impl BallotLine {
    /// The line's code (`"PSUV"`, or the candidate's code when each candidate has one line).
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The line's name, when it has one.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The index in [`Contest::candidates`] of the candidate this line carries.
    pub fn candidate(&self) -> usize {
        self.candidate
    }
}

/// A contest: its candidates and the ballot lines that carry them.
///
/// Invariant: candidate codes are unique, line codes are unique, every line carries a candidate
/// of the contest, and every candidate is carried by at least one line. A sheet records votes per
/// line; totals per candidate add up that candidate's lines.
///
/// # Example
///
/// ```
/// use actas::{Candidate, Contest};
///
/// // One line per candidate:
/// let simple = Contest::new("president", vec![Candidate::new("A", "Ana"), Candidate::new("B", "Bo")])?;
/// assert_eq!(simple.lines().len(), 2);
///
/// // Two party cards carrying one candidate:
/// let cards = Contest::with_lines(
///     "president",
///     vec![Candidate::new("A", "Ana"), Candidate::new("B", "Bo")],
///     [("P1", None, "A"), ("P2", Some("Party two"), "A"), ("P3", None, "B")],
/// )?;
/// assert_eq!(cards.lines_of(0).count(), 2);
/// # Ok::<(), actas::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Contest {
    name: String,
    candidates: Vec<Candidate>,
    lines: Vec<BallotLine>,
}

impl Contest {
    /// The bytes it owns on the heap: its name, candidates and lines with their texts.
    pub(crate) fn heap_bytes(&self) -> usize {
        let candidates: usize = self
            .candidates
            .iter()
            .map(|c| c.code.capacity() + c.name.capacity())
            .sum();
        let lines: usize = self
            .lines
            .iter()
            .map(|l| l.code.capacity() + l.name.as_ref().map_or(0, String::capacity))
            .sum();
        self.name.capacity()
            + self.candidates.capacity() * std::mem::size_of::<Candidate>()
            + candidates
            + self.lines.capacity() * std::mem::size_of::<BallotLine>()
            + lines
    }
}

fn check_code(kind: &'static str, code: &str) -> Result<()> {
    if code.is_empty() || code.trim() != code || code.chars().any(char::is_control) {
        return Err(Error::invalid(
            kind,
            code,
            "must be non-empty text without surrounding white space",
        ));
    }
    Ok(())
}

impl Contest {
    /// A contest in which each candidate is carried by exactly one ballot line, coded as the
    /// candidate.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) for an empty or repeated candidate code.
    pub fn new(name: impl Into<String>, candidates: Vec<Candidate>) -> Result<Self> {
        let lines: Vec<(String, Option<String>, String)> = candidates
            .iter()
            .map(|c| (c.code.clone(), None, c.code.clone()))
            .collect();
        Contest::with_lines(name, candidates, lines)
    }

    /// A contest whose ballot lines are given as `(line code, line name, candidate code)`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) for an empty or repeated code, a line naming an unknown candidate,
    /// or a candidate carried by no line.
    pub fn with_lines<L, N, C>(
        name: impl Into<String>,
        candidates: Vec<Candidate>,
        lines: impl IntoIterator<Item = (L, Option<N>, C)>,
    ) -> Result<Self>
    where
        L: Into<String>,
        N: Into<String>,
        C: AsRef<str>,
    {
        for (i, c) in candidates.iter().enumerate() {
            check_code("candidate code", &c.code)?;
            if candidates[..i].iter().any(|o| o.code == c.code) {
                return Err(Error::invalid("candidate code", &c.code, "is repeated"));
            }
        }
        let mut out: Vec<BallotLine> = Vec::new();
        for (code, line_name, candidate) in lines {
            let code = code.into();
            check_code("ballot line code", &code)?;
            if out.iter().any(|l| l.code == code) {
                return Err(Error::invalid("ballot line code", code, "is repeated"));
            }
            let candidate = candidate.as_ref();
            let Some(index) = candidates.iter().position(|c| c.code == candidate) else {
                return Err(Error::invalid(
                    "ballot line",
                    code,
                    format!("carries \"{candidate}\", which is not a candidate of the contest"),
                ));
            };
            out.push(BallotLine {
                code,
                name: line_name.map(Into::into),
                candidate: index,
            });
        }
        if let Some(c) = candidates
            .iter()
            .enumerate()
            .find(|(i, _)| !out.iter().any(|l| l.candidate == *i))
        {
            return Err(Error::invalid(
                "candidate",
                &c.1.code,
                "is carried by no ballot line",
            ));
        }
        Ok(Contest {
            name: name.into(),
            candidates,
            lines: out,
        })
    }

    /// The contest's name (`"presidential 2024"`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The candidates, in the order given.
    pub fn candidates(&self) -> &[Candidate] {
        &self.candidates
    }

    /// The ballot lines, in the order given; a sheet's votes are in this order.
    pub fn lines(&self) -> &[BallotLine] {
        &self.lines
    }

    /// The index of the candidate with this code.
    pub fn candidate_index(&self, code: &str) -> Option<usize> {
        self.candidates.iter().position(|c| c.code == code)
    }

    /// The index of the ballot line with this code.
    pub fn line_index(&self, code: &str) -> Option<usize> {
        self.lines.iter().position(|l| l.code == code)
    }

    /// The indices of the lines that carry candidate `candidate`.
    pub fn lines_of(&self, candidate: usize) -> impl Iterator<Item = usize> + '_ {
        self.lines
            .iter()
            .enumerate()
            .filter(move |(_, l)| l.candidate == candidate)
            .map(|(i, _)| i)
    }

    /// Whether each candidate has exactly one line, in candidate order.
    pub fn lines_are_candidates(&self) -> bool {
        self.lines.len() == self.candidates.len()
            && self.lines.iter().enumerate().all(|(i, l)| l.candidate == i)
    }
}

#[cfg(feature = "serde")]
mod serde_impl {
    use super::*;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct LineRepr {
        code: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        candidate: String,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct ContestRepr {
        name: String,
        candidates: Vec<Candidate>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        lines: Vec<LineRepr>,
    }

    impl Serialize for Contest {
        /// A contest serialises as its name, candidates and, unless each candidate is its own
        /// line, its lines with their candidate's code.
        fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
            let lines = if self.lines_are_candidates()
                && self
                    .lines
                    .iter()
                    .zip(&self.candidates)
                    .all(|(l, c)| l.code == c.code && l.name.is_none())
            {
                Vec::new()
            } else {
                self.lines
                    .iter()
                    .map(|l| LineRepr {
                        code: l.code.clone(),
                        name: l.name.clone(),
                        candidate: self.candidates[l.candidate].code.clone(),
                    })
                    .collect()
            };
            ContestRepr {
                name: self.name.clone(),
                candidates: self.candidates.clone(),
                lines,
            }
            .serialize(s)
        }
    }

    impl<'de> Deserialize<'de> for Contest {
        fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
            let r = ContestRepr::deserialize(d)?;
            if r.lines.is_empty() {
                Contest::new(r.name, r.candidates)
            } else {
                Contest::with_lines(
                    r.name,
                    r.candidates,
                    r.lines.into_iter().map(|l| (l.code, l.name, l.candidate)),
                )
            }
            .map_err(serde::de::Error::custom)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ab() -> Vec<Candidate> {
        vec![Candidate::new("A", "Ana"), Candidate::new("B", "Bo")]
    }

    #[test]
    fn rejects_what_cannot_be() {
        let dup = vec![Candidate::new("A", "x"), Candidate::new("A", "y")];
        assert!(Contest::new("c", dup).is_err());
        assert!(Contest::new("c", vec![Candidate::new("", "x")]).is_err());
        let unknown =
            Contest::with_lines("c", ab(), [("1", None::<String>, "A"), ("2", None, "Z")]);
        assert_eq!(
            unknown.unwrap_err().to_string(),
            "ballot line \"2\": carries \"Z\", which is not a candidate of the contest"
        );
        let orphan = Contest::with_lines("c", ab(), [("1", None::<String>, "A")]);
        assert_eq!(
            orphan.unwrap_err().to_string(),
            "candidate \"B\": is carried by no ballot line"
        );
    }

    #[test]
    fn lines_map_to_candidates() {
        let c = Contest::with_lines(
            "c",
            ab(),
            [
                ("1", None::<String>, "B"),
                ("2", None, "A"),
                ("3", None, "B"),
            ],
        )
        .unwrap();
        assert_eq!(c.lines_of(1).collect::<Vec<_>>(), vec![0, 2]);
        assert!(!c.lines_are_candidates());
        assert!(Contest::new("c", ab()).unwrap().lines_are_candidates());
    }
}
