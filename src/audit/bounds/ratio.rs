//! The least and greatest ratio of two sums over a family of subsets: Dinkelbach's parametric
//! method, exact in integers.
//!
//! A share is a ratio `(Σ x) / (Σ d)` over the tables a bulletin counted. Its least value over
//! the subsets `T` of a family is the `λ` at which `g(λ) = min_T Σ_T (x − λ d)` reaches 0:
//! `g` is decreasing, and `g(λ) < 0` exactly when some subset has a ratio below `λ`.
//! Dinkelbach's method starts from a `λ` above every ratio, takes the subset `T*` that attains
//! `g(λ)`, and moves `λ` to `T*`'s ratio; each step is a selection (`O(n)`), the ratios strictly
//! decrease and there are finitely many subsets, so it ends, in practice after a handful of steps,
//! on the exact least ratio. The greatest is the same with the signs turned.
//!
//! Two families: subsets whose size lies in `[a, b]` (a share of tables), and fractional subsets
//! whose weight (electors) lies in `[lo, hi]` (a share of electors: a relaxation, so its range
//! contains every whole subset's ratio). Each may hold a fixed extra part `(cx, cd)` (the
//! uncollected tables).

use std::cmp::Ordering;

use crate::error::{Error, Result};

/// A non-negative fraction `num / den`, `den > 0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Frac {
    pub num: u128,
    pub den: u128,
}

impl Frac {
    pub(crate) const ZERO: Frac = Frac { num: 0, den: 1 };

    /// Compares with `other` exactly.
    ///
    /// # Errors
    ///
    /// Overflow when the cross products do not fit a `u128`.
    pub(crate) fn cmp_exact(self, other: Frac) -> Result<Ordering> {
        let a = self.num.checked_mul(other.den);
        let b = other.num.checked_mul(self.den);
        match (a, b) {
            (Some(a), Some(b)) => Ok(a.cmp(&b)),
            _ => Err(Error::overflow("comparing two shares")),
        }
    }
}

/// Which end of the range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Extreme {
    Least,
    Most,
}

/// Subsets whose size lies in `[a, b]`, with a fixed extra part `(cx, cd)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BySize {
    pub a: usize,
    pub b: usize,
    pub extra: (u128, u128),
}

const STEPS: usize = 10_000;

fn overflow() -> Error {
    Error::overflow("the parametric search of a share's range")
}

/// `x q − p d` (least) or `p d − x q` (most): the value to minimise at `λ = p / q`.
#[inline]
fn key(x: u128, d: u128, p: u128, q: u128, end: Extreme) -> Option<i128> {
    let xq = i128::try_from(x.checked_mul(q)?).ok()?;
    let pd = i128::try_from(p.checked_mul(d)?).ok()?;
    Some(match end {
        Extreme::Least => xq - pd,
        Extreme::Most => pd - xq,
    })
}

/// Buffers of a search, kept between its steps.
#[derive(Default)]
struct Buffers {
    keys: Vec<i128>,
    scratch: Vec<i128>,
}

/// The best subset of the family at `λ = p / q`: the least total key, with its sums of `x` and
/// `d` (extra part included).
fn best_sized(
    items: &[(u64, u64)],
    family: BySize,
    p: u128,
    q: u128,
    end: Extreme,
    buf: &mut Buffers,
) -> Result<(i128, u128, u128)> {
    buf.keys.clear();
    let mut negative = 0usize;
    for &(x, d) in items {
        let k = key(u128::from(x), u128::from(d), p, q, end).ok_or_else(overflow)?;
        negative += usize::from(k < 0);
        buf.keys.push(k);
    }
    let (cx, cd) = family.extra;
    let mut value = key(cx, cd, p, q, end).ok_or_else(overflow)?;
    let (mut sx, mut sd) = (cx, cd);
    // Every negative key helps, within the sizes allowed.
    let k = negative.clamp(family.a, family.b).min(items.len());
    if k == 0 {
        return Ok((value, sx, sd));
    }
    // The k-th least key `t`: every key below it is taken, and as many equal to it as fill k.
    buf.scratch.clear();
    buf.scratch.extend_from_slice(&buf.keys);
    let (_, &mut t, _) = buf.scratch.select_nth_unstable(k - 1);
    let below = buf.scratch[..k - 1].iter().filter(|v| **v < t).count();
    let mut ties = k - below;
    for (&(x, d), &kv) in items.iter().zip(&buf.keys) {
        let take = kv < t || (kv == t && ties > 0);
        if kv == t && take {
            ties -= 1;
        }
        if take {
            value = value.checked_add(kv).ok_or_else(overflow)?;
            sx += u128::from(x);
            sd += u128::from(d);
        }
    }
    Ok((value, sx, sd))
}

/// The least or greatest of `(Σ_T x + cx) / (Σ_T d + cd)` over the subsets `T` of `items` whose
/// size lies in `[a, b]` (`a ≤ items.len()`, `a ≤ b`).
///
/// `None` for the least when no subset has a positive denominator (no share is defined); for
/// the greatest, also when a subset with votes and a zero denominator makes it unbounded.
pub(crate) fn extreme_sized(
    items: &[(u64, u64)],
    family: BySize,
    end: Extreme,
) -> Result<Option<Frac>> {
    debug_assert!(family.a <= family.b && family.a <= items.len());
    let mut buf = Buffers::default();
    let mut lambda = match end {
        // Above every ratio: the sum of every x (and the extra part's), plus one.
        Extreme::Least => {
            let all: u128 = items.iter().map(|i| u128::from(i.0)).sum();
            Frac {
                num: all + family.extra.0 + 1,
                den: 1,
            }
        }
        Extreme::Most => Frac::ZERO,
    };
    for step in 0..STEPS {
        let (value, sx, sd) = best_sized(items, family, lambda.num, lambda.den, end, &mut buf)?;
        if value >= 0 {
            // No subset beats λ. At the first step of the least, λ is no subset's ratio: no
            // subset has a positive denominator.
            return Ok((step > 0 || end == Extreme::Most).then_some(lambda));
        }
        if sd == 0 {
            // Votes over a zero base: no greatest share.
            return Ok(None);
        }
        lambda = Frac { num: sx, den: sd };
    }
    Err(overflow())
}

/// Fractional subsets of `(x, d, w)` items: `t_i ∈ [0, 1]` with `lo ≤ Σ t_i w_i ≤ hi`.
pub(crate) fn extreme_fractional(
    items: &[(u64, u64, u64)],
    lo: u128,
    hi: u128,
    end: Extreme,
) -> Result<Option<Frac>> {
    let total_w: u128 = items.iter().map(|i| u128::from(i.2)).sum();
    if lo > hi || lo > total_w {
        return Ok(None);
    }
    let mut order: Vec<(i128, u64, u64, u64)> = Vec::with_capacity(items.len());
    let mut lambda = match end {
        // Above the least ratio: a part of an item is at least 1 / w of it, so a positive
        // denominator is at least 1 / (the largest weight).
        Extreme::Least => {
            let all: u128 = items.iter().map(|i| u128::from(i.0)).sum();
            let widest = items
                .iter()
                .map(|i| u128::from(i.2))
                .max()
                .unwrap_or(1)
                .max(1);
            Frac {
                num: (all + 1).checked_mul(widest).ok_or_else(overflow)?,
                den: 1,
            }
        }
        Extreme::Most => Frac::ZERO,
    };
    for step in 0..STEPS {
        let (value, sx, sd, _) = best_fractional(items, lo, hi, lambda, end, &mut order)?;
        if value >= 0 {
            return Ok((step > 0 || end == Extreme::Most).then_some(lambda));
        }
        if sd == 0 {
            return Ok(None);
        }
        lambda = Frac { num: sx, den: sd };
    }
    Err(overflow())
}

/// The fractional greedy at `λ`: items by key per unit of weight, ascending; negative keys taken
/// up to `hi`, then the rest until `lo`. Returns the total key's sign-carrying numerator and
/// the sums of `x` and `d`, all over the same denominator (the weight of the item taken in
/// part, or 1), and that denominator.
fn best_fractional(
    items: &[(u64, u64, u64)],
    lo: u128,
    hi: u128,
    lambda: Frac,
    end: Extreme,
    order: &mut Vec<(i128, u64, u64, u64)>,
) -> Result<(i128, u128, u128, u128)> {
    let (p, q) = (lambda.num, lambda.den);
    order.clear();
    let (mut value, mut sx, mut sd) = (0i128, 0u128, 0u128);
    for &(x, d, w) in items {
        let k = key(u128::from(x), u128::from(d), p, q, end).ok_or_else(overflow)?;
        if w == 0 {
            // Weightless: taken when it helps.
            if k < 0 {
                value = value.checked_add(k).ok_or_else(overflow)?;
                sx += u128::from(x);
                sd += u128::from(d);
            }
        } else {
            order.push((k, x, d, w));
        }
    }
    // Key per unit of weight, ascending: k_i / w_i < k_j / w_j ⟺ k_i w_j < k_j w_i.
    let mut bad = false;
    order.sort_unstable_by(|a, b| {
        let l = a.0.checked_mul(i128::from(b.3));
        let r = b.0.checked_mul(i128::from(a.3));
        if let (Some(l), Some(r)) = (l, r) {
            l.cmp(&r)
        } else {
            bad = true;
            Ordering::Equal
        }
    });
    if bad {
        return Err(overflow());
    }
    let mut weight = 0u128;
    for &(k, x, d, w) in order.iter() {
        // Helpful items fill up to `hi`; the others only what `lo` still asks.
        let limit = if k < 0 { hi } else { lo };
        if weight >= limit {
            break;
        }
        let room = limit - weight;
        let w128 = u128::from(w);
        if room >= w128 {
            value = value.checked_add(k).ok_or_else(overflow)?;
            sx += u128::from(x);
            sd += u128::from(d);
            weight += w128;
        } else {
            // Part of the item: everything over the denominator w.
            let (r, room_i) = (room, i128::try_from(room).map_err(|_| overflow())?);
            let w_i = i128::from(w);
            let value_n = value
                .checked_mul(w_i)
                .and_then(|v| v.checked_add(k.checked_mul(room_i)?))
                .ok_or_else(overflow)?;
            let x_part = sx
                .checked_mul(w128)
                .and_then(|v| v.checked_add(r.checked_mul(u128::from(x))?))
                .ok_or_else(overflow)?;
            let d_part = sd
                .checked_mul(w128)
                .and_then(|v| v.checked_add(r.checked_mul(u128::from(d))?))
                .ok_or_else(overflow)?;
            return Ok((value_n, x_part, d_part, w128));
        }
    }
    Ok((value, sx, sd, 1))
}

/// The best value of the family at a fixed `λ`: `min_T Σ key`, whose sign says whether some
/// subset has a ratio below `λ` (for the least) or above it (for the most). Its scale is `λ`'s
/// denominator.
pub(crate) fn value_at_sized(
    items: &[(u64, u64)],
    family: BySize,
    lambda: Frac,
    end: Extreme,
) -> Result<i128> {
    let mut buf = Buffers::default();
    Ok(best_sized(items, family, lambda.num, lambda.den, end, &mut buf)?.0)
}

/// [`value_at_sized`] for the fractional family, as a fraction `(numerator, denominator)` of
/// the same scale.
pub(crate) fn value_at_fractional(
    items: &[(u64, u64, u64)],
    lo: u128,
    hi: u128,
    lambda: Frac,
    end: Extreme,
) -> Result<(i128, u128)> {
    let mut order = Vec::with_capacity(items.len());
    let (value, _, _, den) = best_fractional(items, lo, hi, lambda, end, &mut order)?;
    Ok((value, den))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every subset of `items` with size in [a, b]: the least and greatest ratio, by brute force.
    pub(crate) fn brute(items: &[(u64, u64)], f: BySize) -> (Option<Frac>, Option<Frac>) {
        let n = items.len();
        let (mut least, mut most): (Option<Frac>, Option<Frac>) = (None, None);
        let mut unbounded = false;
        for mask in 0u32..(1 << n) {
            let size = mask.count_ones() as usize;
            if size < f.a || size > f.b {
                continue;
            }
            let (mut x, mut d) = f.extra;
            for (i, it) in items.iter().enumerate() {
                if mask & (1 << i) != 0 {
                    x += u128::from(it.0);
                    d += u128::from(it.1);
                }
            }
            if d == 0 {
                unbounded |= x > 0;
                continue;
            }
            let r = Frac { num: x, den: d };
            if least.is_none_or(|l| r.cmp_exact(l).unwrap() == Ordering::Less) {
                least = Some(r);
            }
            if most.is_none_or(|m| r.cmp_exact(m).unwrap() == Ordering::Greater) {
                most = Some(r);
            }
        }
        (least, if unbounded { None } else { most })
    }

    fn same(a: Option<Frac>, b: Option<Frac>) -> bool {
        match (a, b) {
            (Some(a), Some(b)) => a.cmp_exact(b).unwrap() == Ordering::Equal,
            (None, None) => true,
            _ => false,
        }
    }

    #[test]
    fn hand_computed_ranges() {
        // Three tables: 1/10, 5/10, 9/10. Two of them: least (1+5)/20, most (5+9)/20.
        let items = [(1, 10), (9, 10), (5, 10)];
        let two = BySize {
            a: 2,
            b: 2,
            extra: (0, 0),
        };
        let least = extreme_sized(&items, two, Extreme::Least).unwrap().unwrap();
        let most = extreme_sized(&items, two, Extreme::Most).unwrap().unwrap();
        assert_eq!(
            least.cmp_exact(Frac { num: 6, den: 20 }).unwrap(),
            Ordering::Equal
        );
        assert_eq!(
            most.cmp_exact(Frac { num: 14, den: 20 }).unwrap(),
            Ordering::Equal
        );
        // A ratio of sums, not of ratios: 1/1 and 10/100 give 11/101 together, so the least pair
        // is not the pair of least ratios when sizes differ.
        let items = [(1, 1), (10, 100), (30, 100)];
        let least = extreme_sized(&items, two, Extreme::Least).unwrap().unwrap();
        assert_eq!(
            least.cmp_exact(Frac { num: 11, den: 101 }).unwrap(),
            Ordering::Equal
        );
        // An extra part of 50 base without votes (uncollected tables), one or two sheets.
        let f = BySize {
            a: 1,
            b: 2,
            extra: (0, 50),
        };
        let least = extreme_sized(&items, f, Extreme::Least).unwrap().unwrap();
        assert_eq!(
            least.cmp_exact(Frac { num: 1, den: 51 }).unwrap(),
            Ordering::Equal
        );
        // No subset with a base: no share.
        let zeros = [(0, 0), (0, 0)];
        let any = BySize {
            a: 0,
            b: 2,
            extra: (0, 0),
        };
        assert_eq!(extreme_sized(&zeros, any, Extreme::Least).unwrap(), None);
        // Votes over a zero base: no greatest.
        let odd = [(3, 0), (1, 2)];
        assert_eq!(extreme_sized(&odd, any, Extreme::Most).unwrap(), None);
        assert!(same(
            extreme_sized(&odd, any, Extreme::Least).unwrap(),
            Some(Frac { num: 1, den: 2 })
        ));
    }

    #[test]
    fn fractional_ranges_contain_the_whole_ones() {
        // Weights 10, 10, 10; at least 15 and at most 20: a table and a half, or two.
        let items = [(1, 10, 10), (9, 10, 10), (5, 10, 10)];
        let least = extreme_fractional(&items, 15, 20, Extreme::Least)
            .unwrap()
            .unwrap();
        // The relaxation: all of 1/10 and half of 5/10: 3.5 / 15.
        assert_eq!(
            least.cmp_exact(Frac { num: 7, den: 30 }).unwrap(),
            Ordering::Equal
        );
        let most = extreme_fractional(&items, 15, 20, Extreme::Most)
            .unwrap()
            .unwrap();
        // All of 9/10 and half of 5/10 (at least 15 electors): 11.5 / 15.
        assert_eq!(
            most.cmp_exact(Frac { num: 23, den: 30 }).unwrap(),
            Ordering::Equal
        );
        assert_eq!(
            extreme_fractional(&items, 40, 50, Extreme::Least).unwrap(),
            None
        );
    }

    use proptest::prelude::*;

    fn items() -> impl Strategy<Value = Vec<(u64, u64)>> {
        prop::collection::vec((0u64..40, 0u64..40), 0..9).prop_map(|v| {
            // Most shares are of a base that holds the votes; keep some that do not.
            v.into_iter()
                .enumerate()
                .map(|(i, (x, d))| if i % 3 == 2 { (x, d) } else { (x.min(d), d) })
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Both ends of the parametric search are the brute force's, for every family of sizes
        /// and every extra part, on sets small enough to enumerate.
        #[test]
        fn sized_ends_are_the_brute_force_ones(
            items in items(),
            a in 0usize..9,
            width in 0usize..9,
            cx in 0u128..30,
            cd in 0u128..60,
        ) {
            let a = a.min(items.len());
            let f = BySize { a, b: (a + width).min(items.len()).max(a), extra: (cx.min(cd), cd) };
            let (least, most) = brute(&items, f);
            let got_least = extreme_sized(&items, f, Extreme::Least).unwrap();
            prop_assert!(same(got_least, least), "least {got_least:?} brute {least:?}");
            if least.is_some() {
                let got_most = extreme_sized(&items, f, Extreme::Most).unwrap();
                prop_assert!(same(got_most, most), "most {got_most:?} brute {most:?}");
            }
        }

        /// The fractional family's range contains the ratio of every whole subset whose weight
        /// lies in [lo, hi]: the relaxation can only widen.
        #[test]
        fn fractional_ranges_are_conservative(
            items in prop::collection::vec((0u64..40, 0u64..40, 0u64..40), 0..9),
            lo in 0u128..200,
            span in 0u128..200,
        ) {
            let items: Vec<(u64, u64, u64)> = items.into_iter().map(|(x, d, w)| (x.min(d), d, w)).collect();
            let hi = lo + span;
            let least = extreme_fractional(&items, lo, hi, Extreme::Least).unwrap();
            let most = extreme_fractional(&items, lo, hi, Extreme::Most).unwrap();
            for mask in 0u32..(1 << items.len()) {
                let (mut x, mut d, mut w) = (0u128, 0u128, 0u128);
                for (i, it) in items.iter().enumerate() {
                    if mask & (1 << i) != 0 {
                        x += u128::from(it.0);
                        d += u128::from(it.1);
                        w += u128::from(it.2);
                    }
                }
                if w < lo || w > hi || d == 0 {
                    continue;
                }
                let r = Frac { num: x, den: d };
                let l = least.expect("a whole subset exists, so the relaxation has a least");
                prop_assert!(l.cmp_exact(r).unwrap() != Ordering::Greater, "{l:?} > {r:?}");
                if let Some(m) = most {
                    prop_assert!(m.cmp_exact(r).unwrap() != Ordering::Less, "{m:?} < {r:?}");
                }
            }
        }
    }
}
