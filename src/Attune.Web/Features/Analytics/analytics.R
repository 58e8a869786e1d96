# Attune's clinic analytics A–G, computed in R from this research export's relationships.csv.
#
#   Rscript analytics.R [relationships.csv]
#
# Needs R and lme4 (Debian: apt install r-base-core r-cran-lme4). Prints one line per figure: figure,statistic,value
# (NA where the data give none). The definitions are Attune's (docs/analytics.md; the columns are in
# data-dictionary.csv): A Pearson r of the early Connection Check and PHQ-9 improvement with the Fisher-z interval;
# B last ~ first + (1 | clinician) by REML; C Welch's t interval of video minus in person; D reliable improvement,
# deterioration and recovery; E endings; F mean improvement by rupture history with t intervals; G outcomes by
# whether the clinician was the top suggestion. Attune's pages leave out a figure whose n is under the clinic's
# smallest cell (10 by default); this script prints every figure, so mind the n beside each.
args <- commandArgs(trailingOnly = TRUE)
file <- if (length(args) >= 1) args[1] else "relationships.csv"
suppressPackageStartupMessages(library(lme4))
x <- read.csv(file, stringsAsFactors = FALSE,
              colClasses = c(case_id = "character", client_id = "character", clinician_id = "character"))
out <- function(figure, statistic, value) cat(sprintf("%s,%s,%.15g\n", figure, statistic, value))

scored <- x[x$phq9_count >= 2, ]

# A. Alliance and outcome.
a <- scored[!is.na(scored$cc_early_mean), ]
out("A", "n", nrow(a))
if (nrow(a) > 3) {
  ct <- cor.test(a$cc_early_mean, a$phq9_improvement)
  out("A", "r", ct$estimate); out("A", "lower", ct$conf.int[1]); out("A", "upper", ct$conf.int[2])
}

# B. Therapist effect.
out("B", "n", nrow(scored))
if (length(unique(scored$clinician_id)) >= 2) {
  fit <- lmer(phq9_last ~ phq9_first + (1 | clinician_id), data = scored, REML = TRUE,
              control = lmerControl(optCtrl = list(ftol_abs = 1e-12, xtol_abs = 1e-12)))
  tau <- as.numeric(VarCorr(fit)$clinician_id[1]); s2 <- sigma(fit)^2
  out("B", "tau00", tau); out("B", "sigma2", s2); out("B", "icc", tau / (tau + s2)); out("B", "slope", fixef(fit)[[2]])
}

# C. Telehealth vs in person.
rated <- x[!is.na(x$cc_mean), ]
video <- rated$cc_mean[rated$modality == "video"]
in_person <- rated$cc_mean[rated$modality == "in_person"]
out("C", "video_n", length(video)); out("C", "in_person_n", length(in_person))
if (length(video) >= 2 && length(in_person) >= 2) {
  w <- t.test(video, in_person, var.equal = FALSE)
  out("C", "difference", w$estimate[[1]] - w$estimate[[2]]); out("C", "lower", w$conf.int[1]); out("C", "upper", w$conf.int[2])
}

# D. Outcomes.
outcomes <- function(figure, g) {
  out(figure, "n", nrow(g)); out(figure, "improved", sum(g$reliably_improved))
  out(figure, "deteriorated", sum(g$reliably_deteriorated)); out(figure, "recovered", sum(g$recovered))
}
outcomes("D", scored)

# E. Endings.
ended <- x[x$ending_kind != "" & !is.na(x$ending_kind), ]
out("E", "ended", nrow(ended))
for (k in sort(unique(ended$ending_kind))) out("E", paste0("kind_", k), sum(ended$ending_kind == k))
for (r in sort(unique(ended$ending_reason))) out("E", paste0("reason_", r), sum(ended$ending_reason == r))
out("E", "dropout", sum(ended$dropout))

# F. Ruptures and outcomes.
for (h in c("None", "Repaired", "Unrepaired")) {
  i <- scored$phq9_improvement[scored$ruptures == h]
  out(paste0("F_", h), "n", length(i))
  if (length(i) >= 2) {
    m <- t.test(i)
    out(paste0("F_", h), "mean", mean(i)); out(paste0("F_", h), "lower", m$conf.int[1]); out(paste0("F_", h), "upper", m$conf.int[2])
  }
}

# G. Matched vs not matched.
outcomes("G_top", scored[!is.na(scored$top_suggestion) & scored$top_suggestion == "yes", ])
outcomes("G_not_top", scored[!is.na(scored$top_suggestion) & scored$top_suggestion == "no", ])
