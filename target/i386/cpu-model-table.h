/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 CPU model tables (cpu-model-table.c), private to target/i386/:
 * the flag names of each CPUID feature word and QEMU 7.2's named models
 * with their versions.  Read only; cpu-model.c holds the logic.
 */
#ifndef KEMU_TARGET_I386_CPU_MODEL_TABLE_H
#define KEMU_TARGET_I386_CPU_MODEL_TABLE_H

#include "target/i386/cpu-model.h"

/* Where a feature word lives, and its flags' names. */
typedef struct X86FeatureWordInfo {
    uint32_t leaf;
    uint32_t subleaf;
    bool indexed;
    char reg;          /* 'a', 'b', 'c', 'd' */
    const char *names; /* bit 0 first, space-separated; "-": no name */
} X86FeatureWordInfo;

/* Another spelling QEMU accepts for a flag. */
typedef struct X86FeatureAlias {
    const char *alias, *name;
} X86FeatureAlias;

/*
 * A named version: its alias (or NULL: only NAME-vN names it), the flags
 * it sets ("hle=off spec-ctrl=on stepping=1"; VMX and MSR-only flags are
 * left out), and its model-id (NULL: unchanged).  Versions apply in order.
 */
typedef struct X86CPUVersion {
    const char *alias;
    const char *props;
    const char *model_id;
} X86CPUVersion;

typedef struct X86CPUModelDef {
    const char *name;
    const char *vendor;
    uint32_t family, model, stepping;
    uint32_t level, xlevel;
    const char *features; /* flag names, space-separated */
    const char *model_id;
    const X86CPUVersion *versions; /* v2, v3, ...; NULL-props ended */
} X86CPUModelDef;

#define VENDOR_INTEL "GenuineIntel"
#define VENDOR_AMD   "AuthenticAMD"
#define VENDOR_HYGON "HygonGenuine"

/* What QEMU turns on and off for every named model under KVM. */
#define KVM_DEFAULTS_ON                                                        \
    "x2apic kvmclock kvm-nopiodelay kvm-asyncpf kvm-steal-time kvm-pv-eoi "    \
    "kvmclock-stable-bit"
#define KVM_DEFAULTS_OFF "kvm-msi-ext-dest-id acpi monitor svm"

extern const X86FeatureWordInfo x86_feature_words[X86_FEAT_WORDS];
extern const X86FeatureAlias x86_feature_aliases[];
extern const size_t x86_feature_aliases_count;
extern const X86CPUModelDef x86_cpu_models[];
extern const size_t x86_cpu_models_count;

#endif
