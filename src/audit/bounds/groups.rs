//! Dinkelbach's steps over tables grouped by their base: a step costs no pass over the tables.
//!
//! At `λ = p / q` the best subset of a size takes the tables of least key `x q − p d` (for the
//! least share; `p d − x q` for the most). Among tables of one base `d` the key orders as `x`,
//! so a best subset takes, in each group of equal `d`, the tables of fewest (or most) votes. With
//! each group's votes kept as cumulative counts over `0..=max x`, how many tables of a group have
//! a key below `t` is one division and one lookup; the `k`-th least key is found by a binary
//! search on the key. A step costs `O(G · log K)` for `G` groups and keys within `K`, instead of a
//! selection among all `n` tables: national sets have a few hundred to a few thousand distinct
//! bases for a million tables, and votes of a few hundred.
//!
//! Built when the table of bases × votes is small (at most four cells per table, or 2^20 cells
//! for smaller sets, and [`Grouped::CELLS`] in all); else the selecting stepper runs.

use super::ratio::{BySize, Extreme, Items, Stepper, extra_key};
use crate::error::{Error, Result};

/// Tables grouped by base, with cumulative counts and sums of their votes.
pub(crate) struct Grouped {
    /// The distinct bases, ascending.
    ds: Vec<u64>,
    /// Votes range over `0..width`.
    width: usize,
    /// Row `g`, entry `j` (`j` in `0..=width`): how many tables of group `g` have fewer than `j`
    /// votes.
    cum: Vec<u32>,
    /// The same for the sum of their votes.
    sums: Vec<u64>,
}

fn overflow() -> Error {
    Error::overflow("the parametric search of a share's range")
}

impl Grouped {
    /// The most cells the table of groups × votes may have.
    pub(crate) const CELLS: usize = 1 << 25;

    /// The groups of `items` (`max` their largest votes and base), or `None` when the table would be too large (unless `always`,
    /// for the tests, and then only past [`Grouped::CELLS`]).
    pub(crate) fn new(items: Items<'_>, max: (u64, u64), always: bool) -> Option<Grouped> {
        let n = items.len();
        if n == 0 || u32::try_from(n).is_err() {
            return None;
        }
        let (max_x, max_d) = max;
        let width = usize::try_from(max_x).ok()?.checked_add(1)?;
        let rows = usize::try_from(max_d).ok()?.checked_add(1)?;
        let stride = width + 1;
        // A row per base from 0 to the largest (no pass to find which are present), as long
        // as the table stays within a few cells per table.
        let cells = rows.checked_mul(stride)?;
        if cells > Self::CELLS || (cells > 4 * n.max(1 << 18) && !always) {
            return None;
        }
        // Counts per (base, votes + 1), then cumulated along each row.
        let mut cum = vec![0u32; cells];
        for (x, d) in items.iter() {
            cum[d as usize * stride + x as usize + 1] += 1;
        }
        let mut sums = vec![0u64; cells];
        let mut ds = Vec::new();
        for d in 0..rows {
            let r = &mut cum[d * stride..(d + 1) * stride];
            if r.iter().all(|c| *c == 0) {
                continue;
            }
            ds.push(d as u64);
            let s = &mut sums[d * stride..(d + 1) * stride];
            for j in 1..stride {
                // r[j] holds the tables with j − 1 votes.
                s[j] = s[j - 1] + u64::from(r[j]) * (j as u64 - 1);
                r[j] += r[j - 1];
            }
        }
        Some(Grouped {
            ds,
            width,
            cum,
            sums,
        })
    }

    /// The cumulative counts and sums of group `g` (the row of its base).
    fn row(&self, g: usize) -> (&[u32], &[u64]) {
        let stride = self.width + 1;
        let r = self.ds[g] as usize;
        (
            &self.cum[r * stride..(r + 1) * stride],
            &self.sums[r * stride..(r + 1) * stride],
        )
    }

    fn len(&self, g: usize) -> usize {
        self.row(g).0[self.width] as usize
    }

    /// The votes of the `i`-th least table of group `g` (0 first).
    fn nth(&self, g: usize, i: usize) -> u64 {
        let (cum, _) = self.row(g);
        // The j with cum[j] <= i < cum[j + 1]: the first j + 1 with cum above i.
        (cum.partition_point(|&c| c as usize <= i) - 1) as u64
    }

    /// The sum of the votes of the `c` least tables of group `g`.
    fn sum_least(&self, g: usize, c: usize) -> u128 {
        if c == 0 {
            return 0;
        }
        let (cum, sums) = self.row(g);
        let j = cum.partition_point(|&k| (k as usize) < c) - 1; // cum[j] < c <= cum[j + 1]
        u128::from(sums[j]) + (c - cum[j] as usize) as u128 * j as u128
    }

    /// A stepper over these groups for one end and one family.
    pub(crate) fn stepper(&self, family: BySize, end: Extreme) -> GroupStepper<'_> {
        GroupStepper {
            groups: self,
            family,
            end,
            taken: vec![0; self.ds.len()],
        }
    }
}

/// Dinkelbach's steps over [`Grouped`] tables.
pub(crate) struct GroupStepper<'a> {
    groups: &'a Grouped,
    family: BySize,
    end: Extreme,
    /// How many of each group the last best subset took (its least votes for the least, its
    /// most for the most).
    taken: Vec<usize>,
}

/// `⌊a / b⌋` for `a ≥ 0`, `b > 0`, in 64 bits when both fit (a 128-bit division is several
/// times slower, and the search divides once per group per probe).
#[inline]
fn div_floor(a: i128, b: i128) -> i128 {
    match (u64::try_from(a), u64::try_from(b)) {
        (Ok(a), Ok(b)) => i128::from(a / b),
        _ => a / b,
    }
}

/// `λ`'s terms as `i128`, when every product of a key fits: votes and bases are under 2^25, so
/// terms under 2^100 keep `x q` and `p d` under 2^125.
fn terms(p: u128, q: u128) -> Option<(i128, i128)> {
    const MAX: u128 = 1 << 100;
    (p < MAX && q < MAX && q > 0).then_some((p as i128, q as i128))
}

impl GroupStepper<'_> {
    /// The key of votes `x` in group `g` at `λ = p / q`.
    fn key(&self, x: u64, g: usize, p: i128, q: i128) -> i128 {
        let (x, d) = (i128::from(x), i128::from(self.groups.ds[g]));
        match self.end {
            Extreme::Least => x * q - p * d,
            Extreme::Most => p * d - x * q,
        }
    }

    /// How many tables of group `g` have a key below `t`.
    fn below_in(&self, g: usize, t: i128, p: i128, q: i128) -> usize {
        let w = self.groups.width as i128;
        let (cum, _) = self.groups.row(g);
        let d = i128::from(self.groups.ds[g]);
        match self.end {
            // x q − p d < t ⟺ x q < v: the x below ⌈v / q⌉.
            Extreme::Least => {
                let v = t + p * d;
                if v <= 0 {
                    return 0;
                }
                let j = div_floor(v + q - 1, q).min(w);
                cum[j as usize] as usize
            }
            // p d − x q < t ⟺ x q > v: the x from ⌊v / q⌋ + 1.
            Extreme::Most => {
                let v = p * d - t;
                let j = if v < 0 {
                    0
                } else {
                    (div_floor(v, q) + 1).min(w)
                };
                (cum[self.groups.width] - cum[j as usize]) as usize
            }
        }
    }

    fn below(&self, t: i128, p: i128, q: i128) -> usize {
        (0..self.groups.ds.len())
            .map(|g| self.below_in(g, t, p, q))
            .sum()
    }

    /// The votes of the `i`-th table group `g` takes first.
    fn nth_taken(&self, g: usize, i: usize) -> u64 {
        match self.end {
            Extreme::Least => self.groups.nth(g, i),
            Extreme::Most => self.groups.nth(g, self.groups.len(g) - 1 - i),
        }
    }

    /// The sum of the votes of the `c` tables group `g` takes first.
    fn sum_taken(&self, g: usize, c: usize) -> u128 {
        match self.end {
            Extreme::Least => self.groups.sum_least(g, c),
            Extreme::Most => {
                let len = self.groups.len(g);
                self.groups.sum_least(g, len) - self.groups.sum_least(g, len - c)
            }
        }
    }
}

impl Stepper for GroupStepper<'_> {
    fn best(&mut self, p: u128, q: u128) -> Result<(i128, u128, u128)> {
        let (pi, qi) = terms(p, q).ok_or_else(overflow)?;
        let (cx, cd) = self.family.extra;
        let extra = extra_key(cx, cd, p, q, self.end).ok_or_else(overflow)?;
        let groups = self.groups.ds.len();
        let n: usize = (0..groups).map(|g| self.groups.len(g)).sum();
        let negative = self.below(0, pi, qi);
        let k = negative.clamp(self.family.a, self.family.b).min(n);
        self.taken.iter_mut().for_each(|t| *t = 0);
        if k == 0 {
            return Ok((extra, cx, cd));
        }
        // The least key t with at least k keys at most t, between the least and the greatest
        // key of any group.
        let (mut lo, mut hi) = (i128::MAX, i128::MIN);
        for g in 0..groups {
            for x in [
                self.groups.nth(g, 0),
                self.groups.nth(g, self.groups.len(g) - 1),
            ] {
                let k = self.key(x, g, pi, qi);
                lo = lo.min(k);
                hi = hi.max(k);
            }
        }
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.below(mid + 1, pi, qi) >= k {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        let t = lo;
        // Every key below t, then keys equal to t until k.
        let mut ties = k - self.below(t, pi, qi);
        let (mut value, mut sx, mut sd) = (extra, cx, cd);
        for g in 0..groups {
            let below = self.below_in(g, t, pi, qi);
            let equal = self.below_in(g, t + 1, pi, qi) - below;
            let more = equal.min(ties);
            ties -= more;
            let c = below + more;
            self.taken[g] = c;
            if c == 0 {
                continue;
            }
            let x = self.sum_taken(g, c);
            let d = u128::from(self.groups.ds[g]) * c as u128;
            let part = extra_key(x, d, p, q, self.end).ok_or_else(overflow)?;
            value = value.checked_add(part).ok_or_else(overflow)?;
            sx += x;
            sd += d;
        }
        Ok((value, sx, sd))
    }

    fn is_best(&mut self, p: u128, q: u128) -> bool {
        let Some((pi, qi)) = terms(p, q) else {
            return false;
        };
        let (mut max_in, mut min_out): (Option<i128>, Option<i128>) = (None, None);
        let mut size = 0usize;
        for g in 0..self.groups.ds.len() {
            let (c, len) = (self.taken[g], self.groups.len(g));
            size += c;
            if c > 0 {
                let k = self.key(self.nth_taken(g, c - 1), g, pi, qi);
                max_in = Some(max_in.map_or(k, |m| m.max(k)));
            }
            if c < len {
                let k = self.key(self.nth_taken(g, c), g, pi, qi);
                min_out = Some(min_out.map_or(k, |m| m.min(k)));
            }
        }
        let ordered = match (max_in, min_out) {
            (Some(a), Some(b)) => a <= b,
            _ => true,
        };
        let full = size >= self.family.b || min_out.is_none_or(|m| m >= 0);
        let lean = size <= self.family.a || max_in.is_none_or(|m| m <= 0);
        ordered && full && lean
    }
}
