//! Sequential or parallel execution of independent pieces of work, with results in order.

/// How an audit's checks run.
///
/// Results are identical either way: work is split into pieces whose results are put back
/// together in their original order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Execution {
    /// On every core through rayon, when the `parallel` feature is on (the default); otherwise
    /// the same as [`Execution::Sequential`].
    #[default]
    Parallel,
    /// On the calling thread.
    Sequential,
}

/// `f(0), f(1), ... f(n - 1)`, in order, computed as `execution` says.
pub(crate) fn map<R, F>(execution: Execution, n: usize, f: F) -> Vec<R>
where
    R: Send,
    F: Fn(usize) -> R + Sync + Send,
{
    #[cfg(feature = "parallel")]
    if execution == Execution::Parallel && n > 1 {
        use rayon::prelude::*;
        return (0..n).into_par_iter().map(f).collect();
    }
    let _ = execution;
    (0..n).map(f).collect()
}

/// `f` and `g`, on two threads when `execution` says so and the crate runs in parallel.
pub(crate) fn join<A: Send, B: Send>(
    execution: Execution,
    f: impl FnOnce() -> A + Send,
    g: impl FnOnce() -> B + Send,
) -> (A, B) {
    #[cfg(feature = "parallel")]
    if execution == Execution::Parallel {
        return rayon::join(f, g);
    }
    let _ = execution;
    (f(), g())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_their_order() {
        let seq = map(Execution::Sequential, 1000, |i| i * i);
        let par = map(Execution::Parallel, 1000, |i| i * i);
        assert_eq!(seq, par);
        assert_eq!(seq[999], 999 * 999);
        assert!(map(Execution::Parallel, 0, |i| i).is_empty());
    }
}
