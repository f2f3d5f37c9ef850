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

/// Tables as two columns: the subject's votes `x` and the share's base `d`, of equal length.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Items<'a> {
    pub x: &'a [u64],
    pub d: &'a [u64],
}

impl<'a> Items<'a> {
    pub(crate) fn new(x: &'a [u64], d: &'a [u64]) -> Self {
        debug_assert_eq!(x.len(), d.len());
        Items { x, d }
    }

    pub(crate) fn len(self) -> usize {
        self.x.len()
    }

    pub(crate) fn iter(self) -> impl Iterator<Item = (u64, u64)> + 'a {
        self.x.iter().copied().zip(self.d.iter().copied())
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

/// [`key`] for the sums of a subset or the extra part.
pub(crate) fn extra_key(x: u128, d: u128, p: u128, q: u128, end: Extreme) -> Option<i128> {
    key(x, d, p, q, end)
}

/// The integer type of the keys: `i64` when `λ`'s terms are small enough (the common case,
/// about twice as fast to select), else `i128`.
trait Key: Copy + Ord + Into<i128> {
    const ZERO: Self;
    /// The key of `(x, d)` at `λ = p / q`, `None` on overflow of the type.
    fn of(x: u64, d: u64, p: u128, q: u128, end: Extreme) -> Option<Self>;
}

impl Key for i64 {
    const ZERO: i64 = 0;
    #[inline]
    fn of(x: u64, d: u64, p: u128, q: u128, end: Extreme) -> Option<i64> {
        let (p, q) = (i64::try_from(p).ok()?, i64::try_from(q).ok()?);
        let xq = i64::try_from(x).ok()?.checked_mul(q)?;
        let pd = p.checked_mul(i64::try_from(d).ok()?)?;
        Some(match end {
            Extreme::Least => xq - pd,
            Extreme::Most => pd - xq,
        })
    }
}

impl Key for i128 {
    const ZERO: i128 = 0;
    #[inline]
    fn of(x: u64, d: u64, p: u128, q: u128, end: Extreme) -> Option<i128> {
        key(u128::from(x), u128::from(d), p, q, end)
    }
}

/// Buffers of a search, kept between its steps: the keys in item order, a copy to select in,
/// and which items the last best subset holds.
struct Buffers<K> {
    keys: Vec<K>,
    scratch: Vec<K>,
    taken: Vec<bool>,
}

impl<K> Default for Buffers<K> {
    fn default() -> Self {
        Buffers {
            keys: Vec::new(),
            scratch: Vec::new(),
            taken: Vec::new(),
        }
    }
}

/// The best subset of the family at `λ = p / q`: the least total key, with its sums of `x` and
/// `d` (extra part included); `buf.taken` marks it. `None` when a key overflows `K`.
fn best_sized<K: Key>(
    items: Items<'_>,
    family: BySize,
    p: u128,
    q: u128,
    end: Extreme,
    buf: &mut Buffers<K>,
) -> Result<Option<(i128, u128, u128)>> {
    buf.keys.clear();
    let mut negative = 0usize;
    for (x, d) in items.iter() {
        let Some(k) = K::of(x, d, p, q, end) else {
            return Ok(None);
        };
        negative += usize::from(k < K::ZERO);
        buf.keys.push(k);
    }
    let (cx, cd) = family.extra;
    let mut value = key(cx, cd, p, q, end).ok_or_else(overflow)?;
    let (mut sx, mut sd) = (cx, cd);
    buf.taken.clear();
    buf.taken.resize(items.len(), false);
    // Every negative key helps, within the sizes allowed.
    let k = negative.clamp(family.a, family.b).min(items.len());
    if k == 0 {
        return Ok(Some((value, sx, sd)));
    }
    // The k-th least key `t`: every key below it is taken, and as many equal to it as fill k.
    buf.scratch.clear();
    buf.scratch.extend_from_slice(&buf.keys);
    let (_, &mut t, _) = buf.scratch.select_nth_unstable(k - 1);
    let below = buf.scratch[..k - 1].iter().filter(|v| **v < t).count();
    let mut ties = k - below;
    let mut total: i128 = 0;
    for (((x, d), &kv), taken) in items.iter().zip(&buf.keys).zip(&mut buf.taken) {
        let take = kv < t || (kv == t && ties > 0);
        if kv == t && take {
            ties -= 1;
        }
        if take {
            *taken = true;
            total += kv.into();
            sx += u128::from(x);
            sd += u128::from(d);
        }
    }
    value = value.checked_add(total).ok_or_else(overflow)?;
    Ok(Some((value, sx, sd)))
}

/// Whether the subset `buf.taken` is a best one of the family at `λ = p / q`: every key in it
/// at most every key outside, no helpful (negative) key left out while it is under `b`, no
/// unhelpful (positive) one in while it is over `a`. One pass, no selection: when it holds,
/// Dinkelbach's method may stop at `λ`. `None` when a key overflows `K`.
fn is_best<K: Key>(
    items: Items<'_>,
    family: BySize,
    p: u128,
    q: u128,
    end: Extreme,
    buf: &Buffers<K>,
) -> Option<bool> {
    let (mut max_in, mut min_out): (Option<K>, Option<K>) = (None, None);
    let mut size = 0usize;
    for ((x, d), &taken) in items.iter().zip(&buf.taken) {
        let k = K::of(x, d, p, q, end)?;
        if taken {
            size += 1;
            max_in = Some(max_in.map_or(k, |m| m.max(k)));
        } else {
            min_out = Some(min_out.map_or(k, |m| m.min(k)));
        }
    }
    let ordered = match (max_in, min_out) {
        (Some(a), Some(b)) => a <= b,
        _ => true,
    };
    let full = size >= family.b || min_out.is_none_or(|m| m >= K::ZERO);
    let lean = size <= family.a || max_in.is_none_or(|m| m <= K::ZERO);
    Some(ordered && full && lean)
}

/// One step of Dinkelbach's method over a family of subsets, and the check that ends it.
pub(crate) trait Stepper {
    /// The best subset at `λ = p / q`: its total key (extra part included) and its sums of `x`
    /// and `d`; the stepper remembers it.
    fn best(&mut self, p: u128, q: u128) -> Result<(i128, u128, u128)>;
    /// Whether the subset last found is a best one at `λ = p / q`.
    fn is_best(&mut self, p: u128, q: u128) -> bool;
}

/// The stepper that selects among every item (any values).
struct Selecting<'a> {
    items: Items<'a>,
    family: BySize,
    end: Extreme,
    small: Buffers<i64>,
    wide: Buffers<i128>,
    small_used: bool,
}

impl Stepper for Selecting<'_> {
    fn best(&mut self, p: u128, q: u128) -> Result<(i128, u128, u128)> {
        let (items, family, end) = (self.items, self.family, self.end);
        if let Some(b) = best_sized(items, family, p, q, end, &mut self.small)? {
            self.small_used = true;
            return Ok(b);
        }
        self.small_used = false;
        best_sized(items, family, p, q, end, &mut self.wide)?.ok_or_else(overflow)
    }

    fn is_best(&mut self, p: u128, q: u128) -> bool {
        let (items, family, end) = (self.items, self.family, self.end);
        let best = if self.small_used {
            is_best(items, family, p, q, end, &self.small)
        } else {
            is_best(items, family, p, q, end, &self.wide)
        };
        best == Some(true)
    }
}

/// How a search steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    /// Grouped when the items allow it (see `groups`), else selecting.
    Auto,
    /// A selection among every item at every step.
    #[cfg(test)]
    Select,
    /// Grouped whenever the values allow it, however many the groups.
    #[cfg(test)]
    Group,
}

/// Items ready for searches of both ends and any family: their sums, and their groups when
/// [`Grouped`](super::groups::Grouped) can hold them.
pub(crate) struct Prepared<'a> {
    items: Items<'a>,
    all: (u128, u128),
    /// Whether every item's `x` is at most its `d` (votes within their base).
    consistent: bool,
    grouped: Option<super::groups::Grouped>,
}

impl<'a> Prepared<'a> {
    /// `items` prepared for searches stepping as `method` says.
    pub(crate) fn new(items: Items<'a>, method: Method) -> Self {
        // One pass for the sums and the largest values.
        let (mut all, mut max, mut consistent) = ((0u128, 0u128), (0u64, 0u64), true);
        for (x, d) in items.iter() {
            all = (all.0 + u128::from(x), all.1 + u128::from(d));
            max = (max.0.max(x), max.1.max(d));
            consistent &= x <= d;
        }
        let grouped = match method {
            Method::Auto => super::groups::Grouped::new(items, max, false),
            #[cfg(test)]
            Method::Select => None,
            #[cfg(test)]
            Method::Group => super::groups::Grouped::new(items, max, true),
        };
        Prepared {
            items,
            all,
            consistent,
            grouped,
        }
    }

    /// Whether every item's votes are within its base.
    pub(crate) fn consistent(&self) -> bool {
        self.consistent
    }

    /// The least or greatest of `(Σ_T x + cx) / (Σ_T d + cd)` over the subsets `T` of the items
    /// whose size lies in `[a, b]` (`a ≤ items.len()`, `a ≤ b`).
    ///
    /// `None` for the least when no subset has a positive denominator (no share is defined);
    /// for the greatest, also when a subset with votes and a zero denominator makes it
    /// unbounded.
    pub(crate) fn extreme(&self, family: BySize, end: Extreme) -> Result<Option<Frac>> {
        debug_assert!(family.a <= family.b && family.a <= self.items.len());
        let all = (self.all.0 + family.extra.0, self.all.1 + family.extra.1);
        // Near: the ratio of every item with the extra part. Far: above every ratio (the sum
        // of every x, plus one), or 0.
        let near = (all.1 > 0).then_some(Frac {
            num: all.0,
            den: all.1,
        });
        let far = match end {
            Extreme::Least => Frac {
                num: all.0 + 1,
                den: 1,
            },
            Extreme::Most => Frac::ZERO,
        };
        match &self.grouped {
            Some(g) => dinkelbach(&mut g.stepper(family, end), near, far, end),
            None => dinkelbach(&mut self.selecting(family, end), near, far, end),
        }
    }

    /// The best value of the family at a fixed `λ`: `min_T Σ key`, whose sign says whether some
    /// subset has a ratio below `λ` (for the least) or above it (for the most). Its scale is
    /// `λ`'s denominator.
    pub(crate) fn value_at(&self, family: BySize, lambda: Frac, end: Extreme) -> Result<i128> {
        let (p, q) = (lambda.num, lambda.den);
        Ok(match &self.grouped {
            Some(g) => g.stepper(family, end).best(p, q)?.0,
            None => self.selecting(family, end).best(p, q)?.0,
        })
    }

    fn selecting(&self, family: BySize, end: Extreme) -> Selecting<'a> {
        Selecting {
            items: self.items,
            family,
            end,
            small: Buffers::default(),
            wide: Buffers::default(),
            small_used: true,
        }
    }
}

/// The least or greatest ratio over a family, preparing `items` for this one search.
#[cfg(test)]
pub(crate) fn extreme_sized_by(
    items: &[(u64, u64)],
    family: BySize,
    end: Extreme,
    method: Method,
) -> Result<Option<Frac>> {
    let (x, d): (Vec<u64>, Vec<u64>) = items.iter().copied().unzip();
    Prepared::new(Items::new(&x, &d), method).extreme(family, end)
}

/// Dinkelbach's method with `stepper`, from `near` (a ratio close to the answer, when known)
/// and else from `far` (a λ no subset beats the other way: above every ratio of a subset with a
/// positive denominator for the least, 0 for the most), which makes no assumption.
fn dinkelbach(
    stepper: &mut dyn Stepper,
    near: Option<Frac>,
    far: Frac,
    end: Extreme,
) -> Result<Option<Frac>> {
    let starts: Vec<Frac> = near.into_iter().chain([far]).collect();
    for (s, start) in starts.iter().enumerate() {
        let near = s + 1 < starts.len();
        let mut lambda = *start;
        for step in 0..STEPS {
            let (value, sx, sd) = stepper.best(lambda.num, lambda.den)?;
            if value >= 0 {
                if step == 0 && near {
                    break; // no subset beats the near start: it is no answer; from far
                }
                // No subset beats λ. At the first step of the least from far, λ is no subset's
                // ratio: no subset has a positive denominator.
                return Ok((step > 0 || end == Extreme::Most).then_some(lambda));
            }
            if sd == 0 {
                // Votes over a zero base: no greatest share.
                return Ok(None);
            }
            lambda = Frac { num: sx, den: sd };
            // The subset just found may already be a best one at its own ratio: then that
            // ratio is the answer, without another step.
            if stepper.is_best(sx, sd) {
                return Ok(Some(lambda));
            }
        }
        if !near {
            break;
        }
    }
    Err(overflow())
}

/// Fractional subsets of `(x, d, w)` items: `t_i ∈ [0, 1]` with `lo ≤ Σ t_i w_i ≤ hi`.
#[cfg(test)]
pub(crate) fn extreme_fractional(
    items: &[(u64, u64, u64)],
    lo: u128,
    hi: u128,
    end: Extreme,
) -> Result<Option<Frac>> {
    extreme_fractional_in(items, lo, hi, end, &mut Units::new(true))
}

/// [`extreme_fractional`] with the buffers of an earlier search (their memory is reused).
pub(crate) fn extreme_fractional_in(
    items: &[(u64, u64, u64)],
    lo: u128,
    hi: u128,
    end: Extreme,
    buf: &mut Units,
) -> Result<Option<Frac>> {
    let total_w: u128 = items.iter().map(|i| u128::from(i.2)).sum();
    if lo > hi || lo > total_w {
        return Ok(None);
    }
    // Above the least ratio: a part of an item is at least 1 / w of it, so a positive
    // denominator is at least 1 / (the largest weight).
    let (mut all, mut widest) = ((0u128, 0u128), 1u128);
    for &(x, d, w) in items {
        all = (all.0 + u128::from(x), all.1 + u128::from(d));
        widest = widest.max(u128::from(w));
    }
    let far = match end {
        Extreme::Least => Frac {
            num: (all.0 + 1).checked_mul(widest).ok_or_else(overflow)?,
            den: 1,
        },
        Extreme::Most => Frac::ZERO,
    };
    let near = (all.1 > 0).then_some(Frac {
        num: all.0,
        den: all.1,
    });
    let mut stepper = Fractional {
        items,
        lo,
        hi,
        end,
        buf,
    };
    dinkelbach(&mut stepper, near, far, end)
}

/// The stepper of the fractional family: a weighted selection at each step, and a one-pass
/// check that the solution found is a best one at its own ratio.
struct Fractional<'a> {
    items: &'a [(u64, u64, u64)],
    lo: u128,
    hi: u128,
    end: Extreme,
    buf: &'a mut Units,
}

impl Stepper for Fractional<'_> {
    fn best(&mut self, p: u128, q: u128) -> Result<(i128, u128, u128)> {
        let lambda = Frac { num: p, den: q };
        let (value, sx, sd, _) =
            best_fractional(self.items, self.lo, self.hi, lambda, self.end, self.buf)?;
        Ok((value, sx, sd))
    }

    fn is_best(&mut self, p: u128, q: u128) -> bool {
        let ctx = Ctx::new(p, q, self.end);
        let best = if self.buf.last_wide {
            is_best_fractional(&self.buf.wide, self.buf, (self.lo, self.hi), &ctx)
        } else {
            is_best_fractional(&self.buf.narrow, self.buf, (self.lo, self.hi), &ctx)
        };
        best == Some(true)
    }
}

/// Buffers of fractional searches, kept between their steps (and between searches, to reuse
/// their memory), and the last solution: the units of the helpful items (`[0]`) and of the
/// others (`[1]`), each with those taken whole in front, and the one taken in part.
pub(crate) struct Units {
    /// Whether narrow units may be tried first.
    narrow_allowed: bool,
    narrow: [Vec<Narrow>; 2],
    wide: [Vec<Wide>; 2],
    /// Whether the last solution is in `wide`.
    last_wide: bool,
    /// Items without weight: `x`, `d`, whether taken.
    weightless: Vec<(u64, u64, bool)>,
    /// How many units of each side are taken whole.
    whole: [usize; 2],
    /// The unit taken in part: its side, its place, the weight taken of it.
    part: Option<(usize, usize, u128)>,
}

impl Default for Units {
    fn default() -> Self {
        Units::new(true)
    }
}

impl Units {
    /// Buffers that select among narrow units first when `narrow_allowed` (else only among wide
    /// ones, to test them on small values).
    fn new(narrow_allowed: bool) -> Self {
        Units {
            narrow_allowed,
            narrow: [Vec::new(), Vec::new()],
            wide: [Vec::new(), Vec::new()],
            last_wide: false,
            weightless: Vec::new(),
            whole: [0, 0],
            part: None,
        }
    }
}

/// `λ = p / q` and the end: what a unit's key needs.
#[derive(Clone, Copy)]
struct Ctx {
    p: u128,
    q: u128,
    end: Extreme,
    /// `p` and `q` when both fit a `u64` (the common case): each product is then one widening
    /// multiplication.
    small: Option<(u64, u64)>,
    /// `p` and `q` when both fit an `i64`: keys then often fit one too.
    tiny: Option<(i64, i64)>,
}

impl Ctx {
    fn new(p: u128, q: u128, end: Extreme) -> Self {
        let small = u64::try_from(p).ok().zip(u64::try_from(q).ok());
        let tiny = i64::try_from(p).ok().zip(i64::try_from(q).ok());
        Ctx {
            p,
            q,
            end,
            small,
            tiny,
        }
    }

    /// The key of `(x, d)` rounded to the nearest `f64`: with machine integers when they hold
    /// it, else from the exact key.
    #[inline]
    fn key_f64(&self, x: u64, d: u64) -> Option<f64> {
        let machine = self.tiny.and_then(|(p, q)| {
            let (x, d) = (i64::try_from(x).ok()?, i64::try_from(d).ok()?);
            Some((x.checked_mul(q)?, p.checked_mul(d)?))
        });
        match machine {
            // Both products are non-negative: the difference fits.
            #[allow(clippy::cast_precision_loss)] // rounding to nearest, see `Narrow::GAP`
            Some((xq, pd)) => Some(match self.end {
                Extreme::Least => (xq - pd) as f64,
                Extreme::Most => (pd - xq) as f64,
            }),
            None => Some(wide_f64(self.key(x, d)?)),
        }
    }

    /// The exact key of `(x, d)`.
    #[inline]
    fn key(&self, x: u64, d: u64) -> Option<i128> {
        match self.small {
            Some((p, q)) => {
                let xq = i128::try_from(u128::from(x) * u128::from(q)).ok()?;
                let pd = i128::try_from(u128::from(p) * u128::from(d)).ok()?;
                Some(match self.end {
                    Extreme::Least => xq - pd,
                    Extreme::Most => pd - xq,
                })
            }
            None => key(u128::from(x), u128::from(d), self.p, self.q, self.end),
        }
    }
}

/// `k` as the nearest `f64` (a library routine, out of the common path).
#[inline(never)]
#[allow(clippy::cast_precision_loss)] // rounding to nearest, see `Narrow::GAP`
fn wide_f64(k: i128) -> f64 {
    k as f64
}

/// An item with a weight, in the weighted selection: ordered by key per unit of weight, exactly.
trait Unit: Copy {
    /// The unit of `(x, d, w)` (`w > 0`) at `ctx`'s `λ`, `None` when it does not fit the type.
    fn make(x: u64, d: u64, w: u64, ctx: &Ctx) -> Option<Self>;
    fn x(&self) -> u64;
    fn d(&self) -> u64;
    fn weight(&self) -> u64;
    /// The sign of its key: negative when taking it lowers the total.
    fn sign(&self) -> Ordering;
    /// The order of the keys per unit of weight at `ctx`'s `λ` (the one it was made at),
    /// `None` on overflow.
    fn cmp_unit(&self, other: &Self, ctx: &Ctx) -> Option<Ordering>;
}

/// The common unit (24 bytes): votes, base and weight that fit a `u32`, and the key per unit of
/// weight as an `f64`, within 3 units in the last place of the exact ratio (two roundings). Two
/// quotients farther apart than their error bounds are ordered as the exact ratios are; only
/// close ones (in practice, equal ratios) are compared exactly.
#[derive(Debug, Clone, Copy)]
struct Narrow {
    r: f64,
    x: u32,
    d: u32,
    w: u32,
}

impl Narrow {
    /// A relative gap beyond which two quotients are surely ordered: the error of each is at
    /// most `(2u + u²)` of its ratio (`u = 2^-53`), the test's own roundings far below the
    /// margin `2^-49`.
    const GAP: f64 = 1.0 / (1u64 << 49) as f64;
}

impl Unit for Narrow {
    #[inline]
    fn make(x: u64, d: u64, w: u64, ctx: &Ctx) -> Option<Self> {
        let w = u32::try_from(w).ok()?;
        // Two roundings to nearest: the error is bounded, see `GAP`.
        let r = ctx.key_f64(x, d)? / f64::from(w);
        Some(Narrow {
            r,
            x: u32::try_from(x).ok()?,
            d: u32::try_from(d).ok()?,
            w,
        })
    }

    #[inline]
    fn x(&self) -> u64 {
        u64::from(self.x)
    }

    #[inline]
    fn d(&self) -> u64 {
        u64::from(self.d)
    }

    #[inline]
    fn weight(&self) -> u64 {
        u64::from(self.w)
    }

    #[inline]
    fn sign(&self) -> Ordering {
        // Rounding keeps the sign, and 0 is exact.
        self.r.partial_cmp(&0.0).unwrap_or(Ordering::Equal)
    }

    #[inline]
    fn cmp_unit(&self, other: &Self, ctx: &Ctx) -> Option<Ordering> {
        let diff = other.r - self.r;
        let gap = Self::GAP * (self.r.abs() + other.r.abs());
        if diff > gap {
            Some(Ordering::Less)
        } else if -diff > gap {
            Some(Ordering::Greater)
        } else {
            let mine = ctx.key(self.x(), self.d())?;
            let theirs = ctx.key(other.x(), other.d())?;
            let l = mine.checked_mul(i128::from(other.w))?;
            let r = theirs.checked_mul(i128::from(self.w))?;
            Some(l.cmp(&r))
        }
    }
}

/// The unit for any values: an `i128` key, compared by checked cross products.
#[derive(Debug, Clone, Copy)]
struct Wide {
    k: i128,
    x: u64,
    d: u64,
    w: u64,
}

impl Unit for Wide {
    fn make(x: u64, d: u64, w: u64, ctx: &Ctx) -> Option<Self> {
        Some(Wide {
            k: ctx.key(x, d)?,
            x,
            d,
            w,
        })
    }

    fn x(&self) -> u64 {
        self.x
    }

    fn d(&self) -> u64 {
        self.d
    }

    fn weight(&self) -> u64 {
        self.w
    }

    fn sign(&self) -> Ordering {
        self.k.cmp(&0)
    }

    fn cmp_unit(&self, other: &Self, _ctx: &Ctx) -> Option<Ordering> {
        let l = self.k.checked_mul(i128::from(other.w))?;
        let r = other.k.checked_mul(i128::from(self.w))?;
        Some(l.cmp(&r))
    }
}

/// Sums of weight, `x` and `d`.
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    w: u128,
    x: u128,
    d: u128,
}

impl Sums {
    #[inline]
    fn add<U: Unit>(&mut self, u: &U) {
        self.w += u128::from(u.weight());
        self.x += u128::from(u.x());
        self.d += u128::from(u.d());
    }
}

/// The units of the items with a weight at `ctx`'s `λ`, the helpful ones (negative key) in
/// `sides[0]` and the others in `sides[1]`, with the sums of the helpful ones; the weightless
/// items in `weightless`, taken when they help, with the sums of those taken. `Ok(None)` when
/// some item does not fit `U`.
fn fill<U: Unit>(
    items: &[(u64, u64, u64)],
    ctx: &Ctx,
    sides: &mut [Vec<U>; 2],
    weightless: &mut Vec<(u64, u64, bool)>,
) -> Result<Option<(Sums, Sums)>> {
    let [helpful, others] = sides;
    helpful.clear();
    others.clear();
    weightless.clear();
    // Room for every item on each side: no copies as they grow.
    helpful.reserve(items.len());
    others.reserve(items.len());
    let (mut help, mut free) = (Sums::default(), Sums::default());
    for &(x, d, w) in items {
        if w == 0 {
            let taken = ctx.key(x, d).ok_or_else(overflow)? < 0;
            if taken {
                free.x += u128::from(x);
                free.d += u128::from(d);
            }
            weightless.push((x, d, taken));
            continue;
        }
        let Some(u) = U::make(x, d, w, ctx) else {
            return Ok(None);
        };
        if u.sign() == Ordering::Less {
            help.add(&u);
            helpful.push(u);
        } else {
            others.push(u);
        }
    }
    Ok(Some((help, free)))
}

/// The greedy of the fractional family on `sides` (see [`fill`]): helpful units first, up to
/// `hi`, then the others while under `lo`, each by key per unit of weight ascending. Sets
/// `whole` and `part` and returns the sums of `x` and `d` of the units taken whole.
fn take<U: Unit>(
    sides: &mut [Vec<U>; 2],
    help: Sums,
    (lo, hi): (u128, u128),
    ctx: &Ctx,
    whole: &mut [usize; 2],
    part: &mut Option<(usize, usize, u128)>,
) -> Result<Sums> {
    let (side, amount, mut sums) = if help.w >= hi {
        (0, hi, Sums::default())
    } else {
        (1, lo.saturating_sub(help.w), help)
    };
    let (m, room, taken) = select_weighted(&mut sides[side], amount, ctx)?;
    *whole = if side == 0 {
        [m, 0]
    } else {
        [sides[0].len(), m]
    };
    *part = room.map(|room| (side, m, room));
    sums.x += taken.x;
    sums.d += taken.d;
    Ok(sums)
}

/// The fractional greedy at `λ`: the least total key over the family, with the sums of `x` and
/// `d` of its solution, all over the same denominator (the weight of the item taken in part,
/// or 1), and that denominator. `buf` keeps the solution for [`is_best_fractional`].
fn best_fractional(
    items: &[(u64, u64, u64)],
    lo: u128,
    hi: u128,
    lambda: Frac,
    end: Extreme,
    buf: &mut Units,
) -> Result<(i128, u128, u128, u128)> {
    let (p, q) = (lambda.num, lambda.den);
    let ctx = Ctx::new(p, q, end);
    let Units {
        narrow,
        wide,
        weightless,
        whole,
        part,
        ..
    } = buf;
    let narrow_sums = if buf.narrow_allowed {
        fill(items, &ctx, narrow, weightless)?
    } else {
        None
    };
    let (sums, (x, d, w)) = if let Some((help, free)) = narrow_sums {
        buf.last_wide = false;
        let s = take(narrow, help, (lo, hi), &ctx, whole, part)?;
        let u = part.map(|(side, i, _)| narrow[side][i]);
        (
            add(s, free),
            u.map_or((0, 0, 0), |u| (u.x(), u.d(), u.weight())),
        )
    } else if let Some((help, free)) = fill(items, &ctx, wide, weightless)? {
        buf.last_wide = true;
        let s = take(wide, help, (lo, hi), &ctx, whole, part)?;
        let u = part.map(|(side, i, _)| wide[side][i]);
        (
            add(s, free),
            u.map_or((0, 0, 0), |u| (u.x(), u.d(), u.weight())),
        )
    } else {
        return Err(overflow());
    };
    let (sx, sd) = (sums.x, sums.d);
    let value = key(sx, sd, p, q, end).ok_or_else(overflow)?;
    let Some((_, _, room)) = *part else {
        return Ok((value, sx, sd, 1));
    };
    // Part of an item: everything over the denominator w.
    let k = key(u128::from(x), u128::from(d), p, q, end).ok_or_else(overflow)?;
    let w128 = u128::from(w);
    let room_i = i128::try_from(room).map_err(|_| overflow())?;
    let value_n = value
        .checked_mul(i128::from(w))
        .and_then(|v| v.checked_add(k.checked_mul(room_i)?))
        .ok_or_else(overflow)?;
    let x_part = sx
        .checked_mul(w128)
        .and_then(|v| v.checked_add(room.checked_mul(u128::from(x))?))
        .ok_or_else(overflow)?;
    let d_part = sd
        .checked_mul(w128)
        .and_then(|v| v.checked_add(room.checked_mul(u128::from(d))?))
        .ok_or_else(overflow)?;
    Ok((value_n, x_part, d_part, w128))
}

/// `a` and `b`'s sums of `x` and `d`.
fn add(a: Sums, b: Sums) -> Sums {
    Sums {
        w: a.w + b.w,
        x: a.x + b.x,
        d: a.d + b.d,
    }
}

/// Whether the solution `buf` holds (in `sides`) is a best one of the fractional family at
/// `ctx`'s `λ`, by the optimality conditions of the linear programme: some threshold `μ` has
/// every item held (whole or in part) at most `μ` and every item not wholly held at least `μ`,
/// key per unit of weight; `μ ≤ 0` unless the weight held is `lo`, `μ ≥ 0` unless it is `hi`;
/// weightless items held exactly when they help. One pass, no selection. `None` when a unit
/// does not fit `U` at this `λ`, or on overflow.
fn is_best_fractional<U: Unit>(
    sides: &[Vec<U>; 2],
    buf: &Units,
    (lo, hi): (u128, u128),
    ctx: &Ctx,
) -> Option<bool> {
    for &(x, d, taken) in &buf.weightless {
        let k = ctx.key(x, d)?;
        if k != 0 && (k < 0) != taken {
            return Some(false);
        }
    }
    let (mut max_in, mut min_out): (Option<U>, Option<U>) = (None, None);
    let mut weight = buf.part.map_or(0, |p| p.2);
    for (s, units) in sides.iter().enumerate() {
        for (i, u) in units.iter().enumerate() {
            let whole = i < buf.whole[s];
            let part = buf.part.is_some_and(|(ps, pi, _)| (ps, pi) == (s, i));
            let unit = U::make(u.x(), u.d(), u.weight(), ctx)?;
            if whole {
                weight += u128::from(u.weight());
            }
            if (whole || part)
                && max_in.map_or(Some(true), |m| {
                    Some(unit.cmp_unit(&m, ctx)? == Ordering::Greater)
                })?
            {
                max_in = Some(unit);
            }
            if !whole
                && min_out.map_or(Some(true), |m| {
                    Some(unit.cmp_unit(&m, ctx)? == Ordering::Less)
                })?
            {
                min_out = Some(unit);
            }
        }
    }
    let ordered = match (max_in, min_out) {
        (Some(a), Some(b)) => a.cmp_unit(&b, ctx)? != Ordering::Greater,
        _ => true,
    };
    let lean = weight <= lo || max_in.is_none_or(|m| m.sign() != Ordering::Greater);
    let full = weight >= hi || min_out.is_none_or(|m| m.sign() != Ordering::Less);
    Some(ordered && lean && full)
}

/// Moves to the front the units of least key per unit of weight whose weights add up to
/// `amount` (all of them when they hold less): returns how many are taken whole, the weight
/// taken of the next one when it is taken in part, and the sums of those taken whole. A
/// weighted quickselect (three-way partitions around a pseudo-random pivot, summing as it goes),
/// `O(n)` expected; units of equal ratio are interchangeable.
fn select_weighted<U: Unit>(
    units: &mut [U],
    mut amount: u128,
    ctx: &Ctx,
) -> Result<(usize, Option<u128>, Sums)> {
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let (mut from, mut to) = (0usize, units.len());
    let mut taken = Sums::default();
    loop {
        if amount == 0 || from == to {
            return Ok((from, None, taken));
        }
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let pivot = units[from + (seed >> 33) as usize % (to - from)];
        // Three-way partition: [from..lt] before the pivot, [lt..gt] tied with it, [gt..to]
        // after; the sums of those before and tied.
        let (mut lt, mut i, mut gt) = (from, from, to);
        let (mut before, mut tied) = (Sums::default(), Sums::default());
        while i < gt {
            let u = units[i];
            match u.cmp_unit(&pivot, ctx).ok_or_else(overflow)? {
                Ordering::Less => {
                    before.add(&u);
                    units.swap(lt, i);
                    lt += 1;
                    i += 1;
                }
                Ordering::Greater => {
                    gt -= 1;
                    units.swap(i, gt);
                }
                Ordering::Equal => {
                    tied.add(&u);
                    i += 1;
                }
            }
        }
        if before.w >= amount {
            to = lt;
            continue;
        }
        amount -= before.w;
        taken = add(taken, before);
        if tied.w >= amount {
            // The tied units in any order: whole ones, then part of one.
            for (j, u) in units.iter().enumerate().take(gt).skip(lt) {
                let w = u128::from(u.weight());
                if amount >= w {
                    amount -= w;
                    taken.add(u);
                    if amount == 0 {
                        return Ok((j + 1, None, taken));
                    }
                } else {
                    return Ok((j, Some(amount), taken));
                }
            }
            return Ok((gt, None, taken));
        }
        amount -= tied.w;
        taken = add(taken, tied);
        from = gt;
    }
}

/// [`Prepared::value_at`] for the fractional family, as a fraction `(numerator, denominator)` of
/// the same scale.
pub(crate) fn value_at_fractional(
    items: &[(u64, u64, u64)],
    lo: u128,
    hi: u128,
    lambda: Frac,
    end: Extreme,
) -> Result<(i128, u128)> {
    let mut buf = Units::default();
    let (value, _, _, den) = best_fractional(items, lo, hi, lambda, end, &mut buf)?;
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
        let least = extreme_sized_by(&items, two, Extreme::Least, Method::Auto)
            .unwrap()
            .unwrap();
        let most = extreme_sized_by(&items, two, Extreme::Most, Method::Auto)
            .unwrap()
            .unwrap();
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
        let least = extreme_sized_by(&items, two, Extreme::Least, Method::Auto)
            .unwrap()
            .unwrap();
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
        let least = extreme_sized_by(&items, f, Extreme::Least, Method::Auto)
            .unwrap()
            .unwrap();
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
        assert_eq!(
            extreme_sized_by(&zeros, any, Extreme::Least, Method::Auto).unwrap(),
            None
        );
        // Votes over a zero base: no greatest.
        let odd = [(3, 0), (1, 2)];
        assert_eq!(
            extreme_sized_by(&odd, any, Extreme::Most, Method::Auto).unwrap(),
            None
        );
        assert!(same(
            extreme_sized_by(&odd, any, Extreme::Least, Method::Auto).unwrap(),
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

    /// Both ends of the fractional family by enumeration of the vertices of its polytope (at
    /// most one item taken in part, and then the weight is `lo` or `hi`): `None` for the least
    /// when no solution has a base, for the most also when one has votes and no base.
    fn brute_fractional(
        items: &[(u64, u64, u64)],
        lo: u128,
        hi: u128,
    ) -> (Option<Frac>, Option<Frac>) {
        let n = items.len();
        let (mut least, mut most): (Option<Frac>, Option<Frac>) = (None, None);
        let mut unbounded = false;
        let mut see = |num: u128, den: u128| {
            if den == 0 {
                unbounded |= num > 0;
                return;
            }
            let r = Frac { num, den };
            if least.is_none_or(|l| r.cmp_exact(l).unwrap() == Ordering::Less) {
                least = Some(r);
            }
            if most.is_none_or(|m| r.cmp_exact(m).unwrap() == Ordering::Greater) {
                most = Some(r);
            }
        };
        for part in (0..n).map(Some).chain([None]) {
            for mask in 0u32..(1 << n) {
                if part.is_some_and(|j| mask & (1 << j) != 0) {
                    continue;
                }
                let (mut x, mut d, mut w) = (0u128, 0u128, 0u128);
                for (i, it) in items.iter().enumerate() {
                    if mask & (1 << i) != 0 {
                        x += u128::from(it.0);
                        d += u128::from(it.1);
                        w += u128::from(it.2);
                    }
                }
                match part {
                    None => {
                        if lo <= w && w <= hi {
                            see(x, d);
                        }
                    }
                    Some(j) => {
                        let (xj, dj, wj) = items[j];
                        let (xj, dj, wj) = (u128::from(xj), u128::from(dj), u128::from(wj));
                        for target in [lo, hi] {
                            // The part t = (target − w) / wj strictly between 0 and 1.
                            if target > w && target - w < wj {
                                let t = target - w;
                                see(x * wj + t * xj, d * wj + t * dj);
                            }
                        }
                    }
                }
            }
        }
        (least, if unbounded { None } else { most })
    }

    /// The end of the fractional family through narrow units (when they fit) and through wide
    /// ones only.
    fn both_paths(
        items: &[(u64, u64, u64)],
        lo: u128,
        hi: u128,
        end: Extreme,
    ) -> [Option<Frac>; 2] {
        [true, false].map(|narrow| {
            extreme_fractional_in(items, lo, hi, end, &mut Units::new(narrow)).unwrap()
        })
    }

    fn brute_end(items: &[(u64, u64, u64)], lo: u128, hi: u128, end: Extreme) -> Option<Frac> {
        let (least, most) = brute_fractional(items, lo, hi);
        match end {
            Extreme::Least => least,
            Extreme::Most => most.filter(|_| least.is_some()),
        }
    }

    /// `f` in lowest terms.
    fn reduced(f: Frac) -> Frac {
        let (mut a, mut b) = (f.num, f.den);
        while b != 0 {
            (a, b) = (b, a % b);
        }
        Frac {
            num: f.num / a,
            den: f.den / a,
        }
    }

    #[test]
    fn fractional_ends_at_the_edges() {
        // Nothing to choose from, and weightless items only.
        assert_eq!(both_paths(&[], 0, 0, Extreme::Least), [None, None]);
        assert_eq!(both_paths(&[], 1, 5, Extreme::Least), [None, None]);
        let free = [(1, 2, 0), (3, 4, 0)];
        for got in both_paths(&free, 0, 0, Extreme::Least) {
            assert!(same(got, Some(Frac { num: 1, den: 2 })), "{got:?}");
        }
        for got in both_paths(&free, 0, 0, Extreme::Most) {
            assert!(same(got, Some(Frac { num: 3, den: 4 })), "{got:?}");
        }
        // The largest values a narrow unit holds, and one past them (wide units). A weight of
        // 1 or 2: the least is (1, 3, 1) alone (any part of (1, 2, b) raises it), the most
        // (b, b, 1) alone.
        let m = u64::from(u32::MAX);
        for big in [m, m + 1] {
            let items = [(big, big, 1), (1, 2, big), (1, 3, 1)];
            for (end, want) in [(Extreme::Least, (1, 3)), (Extreme::Most, (1, 1))] {
                for got in both_paths(&items, 1, 2, end) {
                    let got = reduced(got.unwrap());
                    assert_eq!((got.num, got.den), want, "{big} {end:?}");
                }
            }
        }
    }

    /// Two units whose ratios differ by far less than an `f64` tells apart are ordered
    /// exactly, both ways, and equal ones are tied.
    #[test]
    fn narrow_units_are_ordered_exactly_when_their_quotients_are_close() {
        let ctx = Ctx::new(3, 1_000_000_000_039, Extreme::Least);
        let a = Narrow::make(4_000_000_000, 1, 4_000_000_000, &ctx).unwrap();
        // Half the votes, half the weight, no base: not the same key per unit of weight.
        let b = Narrow::make(2_000_000_000, 0, 2_000_000_000, &ctx).unwrap();
        assert_eq!(a.cmp_unit(&b, &ctx), Some(Ordering::Less));
        assert_eq!(b.cmp_unit(&a, &ctx), Some(Ordering::Greater));
        // The same ratio at half the scale: tied.
        let a2 = Narrow::make(2_000_000_000, 0, 2_000_000_000, &ctx).unwrap();
        assert_eq!(a2.cmp_unit(&b, &ctx), Some(Ordering::Equal));
        // One elector of base less: above a, by far less than 2^-49 of the ratio.
        let c = Narrow::make(4_000_000_000, 0, 4_000_000_000, &ctx).unwrap();
        assert!(
            (c.r - a.r).abs() <= Narrow::GAP * a.r.abs(),
            "{} {}",
            a.r,
            c.r
        );
        assert_eq!(a.cmp_unit(&c, &ctx), Some(Ordering::Less));
        assert_eq!(c.cmp_unit(&a, &ctx), Some(Ordering::Greater));
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
            for method in [Method::Select, Method::Group] {
                let got_least = extreme_sized_by(&items, f, Extreme::Least, method).unwrap();
                prop_assert!(same(got_least, least), "{method:?} least {got_least:?} brute {least:?}");
                if least.is_some() {
                    let got_most = extreme_sized_by(&items, f, Extreme::Most, method).unwrap();
                    prop_assert!(same(got_most, most), "{method:?} most {got_most:?} brute {most:?}");
                }
            }
        }

        /// With every weight 1 and a whole amount, the fractional family is the family of that
        /// size: both ends are the sized search's (the relaxation is tight there).
        #[test]
        fn fractional_ends_with_unit_weights_are_the_sized_ones(
            items in items(),
            k in 0usize..9,
        ) {
            let k = k.min(items.len());
            let weighted: Vec<(u64, u64, u64)> = items.iter().map(|&(x, d)| (x, d, 1)).collect();
            let f = BySize { a: k, b: k, extra: (0, 0) };
            for end in [Extreme::Least, Extreme::Most] {
                let sized = extreme_sized_by(&items, f, end, Method::Select).unwrap();
                let frac = extreme_fractional(&weighted, k as u128, k as u128, end).unwrap();
                prop_assert!(same(sized, frac), "{end:?} sized {sized:?} fractional {frac:?}");
            }
        }

        /// Both ends of the fractional family are the optimum of its linear programme (found by
        /// enumerating the vertices), through narrow and through wide units, with small values
        /// (many ties) and large ones (quotients an `f64` cannot tell apart).
        #[test]
        fn fractional_ends_are_the_vertex_enumerations(
            items in prop::collection::vec((0u64..12, 0u64..12, 0u64..6), 0..8),
            scale in prop::sample::select(vec![1u64, 1 << 10, (1 << 20) - 3]),
            lo in 0u128..40,
            span in 0u128..40,
            consistent in any::<bool>(),
        ) {
            let items: Vec<(u64, u64, u64)> = items
                .into_iter()
                .map(|(x, d, w)| {
                    let x = if consistent { x.min(d) } else { x };
                    (x * scale + x % 2, d * scale, w * scale)
                })
                .collect();
            let (lo, hi) = (lo * u128::from(scale), (lo + span) * u128::from(scale));
            // The greatest is asked only where a least exists (see `extreme_fractional_in`).
            let ends = if brute_fractional(&items, lo, hi).0.is_some() {
                &[Extreme::Least, Extreme::Most][..]
            } else {
                &[Extreme::Least][..]
            };
            for &end in ends {
                let want = brute_end(&items, lo, hi, end);
                for got in both_paths(&items, lo, hi, end) {
                    prop_assert!(same(got, want), "{end:?}: {got:?} against {want:?}");
                }
            }
        }

        /// Narrow units are ordered as their exact keys per unit of weight, whatever their
        /// quotients' roundings: among them pairs a hair apart (b three times a, with a vote or
        /// an elector of base more: a relative difference far below an `f64`'s precision when
        /// `p` is small and `q` large, and roundings of `3k` that do not follow those of `k`).
        #[test]
        fn narrow_units_are_ordered_as_the_exact_ratios(
            a in (0u64..1 << 30, 0u64..1 << 30, 1u64..1 << 30),
            b in (0u64..1 << 32, 0u64..1 << 32, 1u64..1 << 32),
            near in prop::option::of((0u64..2, 0u64..2)),
            p in prop_oneof![0u128..16, 0u128..1 << 40],
            q in prop_oneof![1u128..16, (1u128 << 39)..1 << 40],
            most in any::<bool>(),
        ) {
            let end = if most { Extreme::Most } else { Extreme::Least };
            let ctx = Ctx::new(p, q, end);
            let b = match near {
                Some((ex, ed)) => (3 * a.0 + ex, 3 * a.1 + ed, 3 * a.2),
                None => b,
            };
            let ua = Narrow::make(a.0, a.1, a.2, &ctx).unwrap();
            let ub = Narrow::make(b.0, b.1, b.2, &ctx).unwrap();
            let (ka, kb) = (ctx.key(a.0, a.1).unwrap(), ctx.key(b.0, b.1).unwrap());
            let exact = (ka * i128::from(b.2)).cmp(&(kb * i128::from(a.2)));
            prop_assert_eq!(ua.cmp_unit(&ub, &ctx), Some(exact));
            prop_assert_eq!(ub.cmp_unit(&ua, &ctx), Some(exact.reverse()));
            prop_assert_eq!(ua.sign(), ka.cmp(&0));
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
