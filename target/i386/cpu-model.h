/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86 CPU models for -cpu: QEMU 7.2's model names (qemu64, Nehalem,
 * EPYC-Rome, host, ...) and feature flags (+x2apic, sse4_2=off, ...), and
 * the pure function that turns a model plus what the accelerator supports
 * into the CPUID table a guest sees.  Knows nothing of KVM or devices: the
 * command line parses a model with it (system/main.c), the accelerator
 * applies it (accel/kvm/kvm-cpu.c), the unit tests check it.
 */
#ifndef KEMU_TARGET_I386_CPU_MODEL_H
#define KEMU_TARGET_I386_CPU_MODEL_H

#include "util/osdep.h"
#include "util/error.h"

/* The CPUID registers that hold feature flags, QEMU's feature words. */
typedef enum X86FeatureWord {
    X86_FEAT_1_EDX,
    X86_FEAT_1_ECX,
    X86_FEAT_6_EAX,
    X86_FEAT_7_0_EBX,
    X86_FEAT_7_0_ECX,
    X86_FEAT_7_0_EDX,
    X86_FEAT_7_1_EAX,
    X86_FEAT_XSAVE, /* CPUID.0DH.1:EAX */
    X86_FEAT_8000_0001_EDX,
    X86_FEAT_8000_0001_ECX,
    X86_FEAT_8000_0007_EDX,
    X86_FEAT_8000_0008_EBX,
    X86_FEAT_SVM, /* CPUID.8000000AH:EDX */
    X86_FEAT_KVM, /* CPUID.40000001H:EAX, KVM's paravirt features */
    X86_FEAT_WORDS,
} X86FeatureWord;

/* Bits the accelerator and the tests name. */
#define X86_1_ECX_X2APIC       (1u << 21)
#define X86_1_ECX_TSC_DEADLINE (1u << 24)
#define X86_1_ECX_HYPERVISOR   (1u << 31)
#define X86_1_EDX_MCE          (1u << 7)
#define X86_1_EDX_MTRR         (1u << 12)
#define X86_1_EDX_MCA          (1u << 14)
#define X86_1_EDX_PAT          (1u << 16)
#define X86_6_EAX_ARAT         (1u << 2)

/* An entry whose value depends on the sub-leaf (ECX). */
#define X86_CPUID_FLAG_INDEXED 1u

/** X86CPUIDEntry - one CPUID leaf/sub-leaf, as KVM's kvm_cpuid_entry2. */
typedef struct X86CPUIDEntry {
    uint32_t function;
    uint32_t index;
    uint32_t flags; /* X86_CPUID_FLAG_INDEXED */
    uint32_t eax, ebx, ecx, edx;
} X86CPUIDEntry;

#define X86_VENDOR_LEN   12
#define X86_MODEL_ID_LEN 48
#define X86_LEVEL_AUTO   UINT32_MAX

/**
 * X86CPUConfig - a -cpu argument resolved: the model's values with the
 * user's settings applied.  @passthrough (host, max) starts from everything
 * the accelerator supports instead; its vendor/family/model/stepping/
 * model-id are then the host's unless the user set them.
 */
typedef struct X86CPUConfig {
    char model_name[64];
    bool passthrough;
    char vendor[X86_VENDOR_LEN + 1];
    uint32_t family, model, stepping;
    char model_id[X86_MODEL_ID_LEN + 1];
    bool vendor_set, family_set, model_set, stepping_set, model_id_set;
    uint32_t level, xlevel;         /* X86_LEVEL_AUTO: from the features */
    uint32_t min_level, min_xlevel; /* the model's */
    uint32_t features[X86_FEAT_WORDS];
    uint32_t user_on[X86_FEAT_WORDS];  /* turned on on the command line */
    uint32_t user_off[X86_FEAT_WORDS]; /* turned off on the command line */
    bool pmu;                          /* expose the PMU (leaf 0xA) */
    bool check;   /* warn about requested features the host lacks */
    bool enforce; /* ... and fail */
    bool kvm;     /* expose KVM's signature and paravirt leaves */
} X86CPUConfig;

/**
 * x86_cpu_config_parse - resolve a -cpu argument "MODEL[,+feat,-feat,
 * feat=on|off,vendor=...,family=N,...]" into @cfg, as QEMU 7.2 under KVM
 * would (its KVM defaults: x2apic on, svm/monitor/acpi off, kvmclock & co.
 * on).  Errors name the model or flag (no option prefix).
 */
bool x86_cpu_config_parse(const char *spec, X86CPUConfig *cfg, Error **errp);

/** x86_cpu_print_help - "-cpu help": the models, then the flags. */
void x86_cpu_print_help(FILE *out);

/**
 * x86_cpu_compute_cpuid - the CPUID table of a vCPU of model @cfg, given
 * what the accelerator supports (@sup, @nsup entries; KVM_GET_SUPPORTED_
 * CPUID with the accelerator's own fixups, e.g. tsc-deadline where the
 * in-kernel LAPIC has it).  Pure: the same input gives the same table.
 *
 * A feature the model or the user asked for that @sup lacks is dropped;
 * with cfg->check it adds a line to @warnings (QEMU's text: "host doesn't
 * support requested feature: CPUID.01H:ECX.x2apic [bit 21]"), and with
 * cfg->enforce the call fails.  As QEMU does under KVM, a named model
 * takes the host's vendor (leaf 0 of @sup) unless vendor= was given.  Where
 * @sup has them, tsc-deadline and x2apic are offered unless turned off.
 * Per-vCPU values (APIC IDs, CPU counts in leaves 1, 4, 0xB, 0x8000001E) are
 * left to the caller; the KVM signature leaves (0x40000000/1) are included
 * unless cfg->kvm is off. Returns a GArray of X86CPUIDEntry, or NULL with @errp
 * set.
 */
GArray *x86_cpu_compute_cpuid(const X86CPUConfig *cfg, const X86CPUIDEntry *sup,
                              size_t nsup, GPtrArray *warnings, Error **errp);

/** x86_cpuid_find - the entry for @function/@index in @e, or NULL. */
X86CPUIDEntry *x86_cpuid_find(X86CPUIDEntry *e, size_t n, uint32_t function,
                              uint32_t index);

/** x86_cpu_feature_bit - find a flag by QEMU's name ("sse4_2", "x2apic"). */
bool x86_cpu_feature_bit(const char *name, X86FeatureWord *w, unsigned *bit);

#endif
