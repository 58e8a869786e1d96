# The clinic analytics A–G (docs/analytics.md) computed in R from a clinic's rows, to check Attune's figures against:
# cor.test (A), lme4::lmer by REML (B), t.test (C, F), and counts (D, E, G). PHQ-9's reliable change 6, cut-off 10.
#
#   Rscript --vanilla docs/analytics-check.R STEM
#
# reads STEM-sessions.csv (relationship, number, video TRUE/FALSE, cc: the Connection Check score or NA) and
# STEM-relationships.csv (relationship, clinician, nphq, first, last, kind, reason, ruptures None/Repaired/Unrepaired,
# top yes/no/none), and prints one line per figure, comma-separated, then "T,read seconds,compute seconds".
# The test AnalyticsAgainstRTests and the benchmark (bench/, --analytics) both run it.
args <- commandArgs(trailingOnly = TRUE)
suppressPackageStartupMessages(library(lme4))
started <- proc.time()[["elapsed"]]
s <- read.csv(paste0(args[1], "-sessions.csv"), stringsAsFactors = FALSE)
r <- read.csv(paste0(args[1], "-relationships.csv"), stringsAsFactors = FALSE)
read <- proc.time()[["elapsed"]]
scored <- r[r$nphq >= 2, ]
early <- aggregate(cc ~ relationship, data = s[s$number <= 3 & !is.na(s$cc), ], FUN = mean)
a <- merge(scored, early, by = "relationship")
ct <- cor.test(a$cc, a$first - a$last)
cat(sprintf("A,%d,%.15f,%.15f,%.15f\n", nrow(a), ct$estimate, ct$conf.int[1], ct$conf.int[2]))
fit <- lmer(last ~ first + (1 | clinician), data = scored, REML = TRUE,
            control = lmerControl(optCtrl = list(ftol_abs = 1e-12, xtol_abs = 1e-12)))
tau <- as.numeric(VarCorr(fit)$clinician[1]); s2 <- sigma(fit)^2
cat(sprintf("B,%d,%.15f,%.15f,%.15f,%.15f\n", nrow(scored), tau, s2, tau / (tau + s2), fixef(fit)[2]))
allcc <- aggregate(cc ~ relationship, data = s[!is.na(s$cc), ], FUN = mean)
vid <- aggregate(video ~ relationship, data = s, FUN = function(v) sum(v) * 2 > length(v))
cv <- merge(allcc, vid, by = "relationship")
w <- t.test(cv$cc[cv$video], cv$cc[!cv$video], var.equal = FALSE)
cat(sprintf("C,%d,%d,%.15f,%.15f,%.15f\n", sum(cv$video), sum(!cv$video), w$estimate[1] - w$estimate[2], w$conf.int[1], w$conf.int[2]))
imp <- scored$first - scored$last
cat(sprintf("D,%d,%d,%d,%d\n", nrow(scored), sum(imp >= 6), sum(-imp >= 6), sum(scored$first >= 10 & scored$last < 10 & imp >= 6)))
cat(sprintf("E,%d,%d,%d\n", sum(r$kind == "Unplanned" & r$reason == "NoContact"), sum(r$kind == "Planned"), nrow(r)))
for (h in c("None", "Repaired", "Unrepaired")) {
  x <- imp[scored$ruptures == h]; m <- t.test(x)
  cat(sprintf("F-%s,%d,%.15f,%.15f,%.15f\n", h, length(x), mean(x), m$conf.int[1], m$conf.int[2]))
}
for (t in c("yes", "no")) {
  g <- scored[scored$top == t, ]; gi <- g$first - g$last
  cat(sprintf("G-%s,%d,%d\n", t, nrow(g), sum(gi >= 6)))
}
cat(sprintf("T,%.3f,%.3f\n", read - started, proc.time()[["elapsed"]] - read))
