//! The reported result of one contest, as a risk-limiting audit sees it.

use crate::error::{Error, Result};

/// The reported result of one contest: each candidate's votes, the ballots cast (including blank
/// and invalid ones) and how many candidates win. The winners are the `seats` candidates with
/// the most votes; every other candidate is a loser. The audit tests every (winner, loser) pair.
///
/// Counts are exact integers. The shares an audit uses (`p_w`, the diluted margin) are computed
/// from them where they are needed.
///
/// # Example
///
/// ```
/// use actas::rla::ReportedResult;
///
/// let result = ReportedResult::new([("Ana", 600), ("Bo", 300), ("Cy", 100)], 1000, 1)?;
/// assert_eq!(result.winners(), [0]);
/// assert_eq!(result.losers(), [1, 2]);
/// assert_eq!(result.smallest_margin(), 300);
/// assert_eq!(result.diluted_margin(), 0.3);
/// # Ok::<(), actas::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "ReportedResultData", into = "ReportedResultData")
)]
pub struct ReportedResult {
    names: Vec<String>,
    votes: Vec<u64>,
    ballots: u64,
    seats: usize,
    winners: Vec<usize>,
    losers: Vec<usize>,
}

/// The serialized form of a [`ReportedResult`]: checked again when read.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportedResultData {
    candidates: Vec<(String, u64)>,
    ballots: u64,
    seats: usize,
}

#[cfg(feature = "serde")]
impl TryFrom<ReportedResultData> for ReportedResult {
    type Error = Error;
    fn try_from(data: ReportedResultData) -> Result<Self> {
        ReportedResult::new(data.candidates, data.ballots, data.seats)
    }
}

#[cfg(feature = "serde")]
impl From<ReportedResult> for ReportedResultData {
    fn from(result: ReportedResult) -> Self {
        ReportedResultData {
            candidates: result.names.into_iter().zip(result.votes).collect(),
            ballots: result.ballots,
            seats: result.seats,
        }
    }
}

impl ReportedResult {
    /// A contest with these candidates and votes, `ballots` cast and `seats` winners.
    ///
    /// Winners are the `seats` candidates with the most votes; between equal counts the one
    /// given first ranks first (a tie across the winner / loser line is a margin of 0, which
    /// every method answers with a full count).
    ///
    /// # Errors
    ///
    /// No candidate, two with the same name, `seats` of 0 or not fewer than the candidates (no
    /// loser: nothing to audit), 0 ballots, or a candidate with more votes than ballots.
    pub fn new<S: Into<String>>(
        candidates: impl IntoIterator<Item = (S, u64)>,
        ballots: u64,
        seats: usize,
    ) -> Result<Self> {
        let (names, votes): (Vec<String>, Vec<u64>) =
            candidates.into_iter().map(|(n, v)| (n.into(), v)).unzip();
        if names.len() < 2 {
            return Err(Error::invalid(
                "reported result",
                format!("{} candidate(s)", names.len()),
                "an audit compares winners with losers: give at least two candidates",
            ));
        }
        for (i, name) in names.iter().enumerate() {
            if names[..i].contains(name) {
                return Err(Error::invalid(
                    "reported result",
                    name.clone(),
                    "two candidates have this name: give each a distinct name",
                ));
            }
        }
        if seats == 0 || seats >= names.len() {
            return Err(Error::invalid(
                "reported result",
                format!("{seats} seat(s) among {} candidates", names.len()),
                "the number of winners must be at least 1 and less than the number of candidates",
            ));
        }
        if ballots == 0 {
            return Err(Error::invalid(
                "reported result",
                "0 ballots",
                "give the ballots cast in the contest (including blank and invalid ones)",
            ));
        }
        if let Some((i, v)) = votes.iter().enumerate().find(|&(_, &v)| v > ballots) {
            return Err(Error::invalid(
                "reported result",
                format!("{}: {v} votes, {ballots} ballots", names[i]),
                "a candidate cannot have more votes than there are ballots: check the ballots cast",
            ));
        }
        let mut order: Vec<usize> = (0..names.len()).collect();
        order.sort_by(|&a, &b| votes[b].cmp(&votes[a]));
        let losers = order.split_off(seats);
        Ok(ReportedResult {
            names,
            votes,
            ballots,
            seats,
            winners: order,
            losers,
        })
    }

    /// The candidates' names, in the order given.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Each candidate's reported votes, in the order given.
    pub fn votes(&self) -> &[u64] {
        &self.votes
    }

    /// The ballots cast in the contest (the `N` of the formulas).
    pub fn ballots(&self) -> u64 {
        self.ballots
    }

    /// How many candidates win.
    pub fn seats(&self) -> usize {
        self.seats
    }

    /// The winners (indices into [`names`](Self::names)), most votes first.
    pub fn winners(&self) -> &[usize] {
        &self.winners
    }

    /// The losers, most votes first.
    pub fn losers(&self) -> &[usize] {
        &self.losers
    }

    /// Every (winner, loser) pair an audit tests, winners in order, then losers in order.
    pub fn pairs(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.winners
            .iter()
            .flat_map(|&w| self.losers.iter().map(move |&l| (w, l)))
    }

    /// A pair's margin in votes, `v_w - v_l` (never negative: winners have at least a loser's
    /// votes).
    pub fn margin(&self, winner: usize, loser: usize) -> u64 {
        self.votes[winner].saturating_sub(self.votes[loser])
    }

    /// The smallest margin in votes over all pairs: the last winner's votes minus the first
    /// loser's. 0 is a tie.
    pub fn smallest_margin(&self) -> u64 {
        let last = self.winners[self.winners.len() - 1];
        self.margin(last, self.losers[0])
    }

    /// The diluted margin, the smallest margin divided by the ballots cast (`f64`, rounded once).
    pub fn diluted_margin(&self) -> f64 {
        self.smallest_margin() as f64 / self.ballots as f64
    }

    /// Whether the smallest margin is 0: only a full count can confirm a tied outcome.
    pub fn is_tied(&self) -> bool {
        self.smallest_margin() == 0
    }

    /// The index of the candidate with this name.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn winners_and_losers() {
        let r = ReportedResult::new([("a", 100), ("b", 300), ("c", 600)], 1000, 2).unwrap();
        assert_eq!(r.winners(), [2, 1]);
        assert_eq!(r.losers(), [0]);
        assert_eq!(r.pairs().collect::<Vec<_>>(), [(2, 0), (1, 0)]);
        assert_eq!(r.smallest_margin(), 200);
        assert!(!r.is_tied());
        // A tie across the line: the first given wins, and the margin is 0.
        let t = ReportedResult::new([("a", 5), ("b", 5)], 10, 1).unwrap();
        assert_eq!(t.winners(), [0]);
        assert!(t.is_tied());
    }

    #[test]
    fn refusals() {
        assert!(ReportedResult::new([("a", 1)], 1, 1).is_err());
        assert!(ReportedResult::new([("a", 1), ("a", 0)], 1, 1).is_err());
        assert!(ReportedResult::new([("a", 1), ("b", 0)], 1, 0).is_err());
        assert!(ReportedResult::new([("a", 1), ("b", 0)], 1, 2).is_err());
        assert!(ReportedResult::new([("a", 1), ("b", 0)], 0, 1).is_err());
        assert!(ReportedResult::new([("a", 2), ("b", 0)], 1, 1).is_err());
        let e = ReportedResult::new([("a", u64::MAX), ("b", 0)], u64::MAX, 1).unwrap();
        assert_eq!(e.smallest_margin(), u64::MAX);
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_checks_again() {
        let r = ReportedResult::new([("a", 6), ("b", 4)], 10, 1).unwrap();
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(
            json,
            r#"{"candidates":[["a",6],["b",4]],"ballots":10,"seats":1}"#
        );
        assert_eq!(serde_json::from_str::<ReportedResult>(&json).unwrap(), r);
        assert!(
            serde_json::from_str::<ReportedResult>(
                r#"{"candidates":[["a",60],["b",4]],"ballots":10,"seats":1}"#
            )
            .is_err()
        );
    }
}
