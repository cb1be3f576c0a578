/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 CPU model tables: the flag names of each CPUID feature word and
 * QEMU 7.2's named models (vendor, family, model, stepping, level, xlevel,
 * flags, model-id) with their versions.  The bits are the Intel SDM's and
 * AMD APM's; the names and the models' contents are QEMU's, so that a QEMU
 * command line means the same CPU here.
 */
#include "util/osdep.h"
#include "target/i386/cpu-model-table.h"

#define QEMU_CPU_ID "QEMU Virtual CPU version 2.5+"

const X86FeatureWordInfo x86_feature_words[X86_FEAT_WORDS] = {
    [X86_FEAT_1_EDX] = {1, 0, false, 'd',
                        "fpu vme de pse tsc msr pae mce cx8 apic - sep mtrr "
                        "pge mca cmov pat pse36 pn clflush - ds acpi mmx fxsr "
                        "sse sse2 ss ht tm ia64 pbe"},
    [X86_FEAT_1_ECX] = {1, 0, false, 'c',
                        "pni pclmulqdq dtes64 monitor ds-cpl vmx smx est tm2 "
                        "ssse3 cid - fma cx16 xtpr pdcm - pcid dca sse4.1 "
                        "sse4.2 x2apic movbe popcnt tsc-deadline aes xsave - "
                        "avx f16c rdrand hypervisor"},
    [X86_FEAT_6_EAX] = {6, 0, false, 'a', "- - arat"},
    [X86_FEAT_7_0_EBX] = {7, 0, true, 'b',
                          "fsgsbase tsc-adjust sgx bmi1 hle avx2 - smep bmi2 "
                          "erms invpcid rtm - - mpx - avx512f avx512dq rdseed "
                          "adx smap avx512ifma pcommit clflushopt clwb "
                          "intel-pt avx512pf avx512er avx512cd sha-ni "
                          "avx512bw avx512vl"},
    [X86_FEAT_7_0_ECX] = {7, 0, true, 'c',
                          "- avx512vbmi umip pku - waitpkg avx512vbmi2 - gfni "
                          "vaes vpclmulqdq avx512vnni avx512bitalg - "
                          "avx512-vpopcntdq - la57 - - - - - rdpid - "
                          "bus-lock-detect cldemote - movdiri movdir64b - "
                          "sgxlc pks"},
    [X86_FEAT_7_0_EDX] = {7, 0, true, 'd',
                          "- - avx512-4vnniw avx512-4fmaps fsrm - - - "
                          "avx512-vp2intersect - md-clear - - - serialize - "
                          "tsx-ldtrk - - arch-lbr - - amx-bf16 avx512-fp16 "
                          "amx-tile amx-int8 spec-ctrl stibp - "
                          "arch-capabilities core-capability ssbd"},
    [X86_FEAT_7_1_EAX] = {7, 1, true, 'a', "- - - - avx-vnni avx512-bf16"},
    [X86_FEAT_XSAVE] = {0xd, 1, true, 'a',
                        "xsaveopt xsavec xgetbv1 xsaves xfd"},
    [X86_FEAT_8000_0001_EDX] = {0x80000001, 0, false, 'd',
                                "- - - - - - - - - - - syscall - - - - - - - "
                                "- nx - mmxext - - fxsr-opt pdpe1gb rdtscp - "
                                "lm 3dnowext 3dnow"},
    [X86_FEAT_8000_0001_ECX] = {0x80000001, 0, false, 'c',
                                "lahf-lm cmp-legacy svm extapic cr8legacy abm "
                                "sse4a misalignsse 3dnowprefetch osvw ibs xop "
                                "skinit wdt - lwp fma4 tce - nodeid-msr - tbm "
                                "topoext perfctr-core perfctr-nb"},
    [X86_FEAT_8000_0007_EDX] = {0x80000007, 0, false, 'd',
                                "- - - - - - - - invtsc"},
    [X86_FEAT_8000_0008_EBX] = {0x80000008, 0, false, 'b',
                                "clzero - xsaveerptr - - - - - - wbnoinvd - - "
                                "ibpb - ibrs amd-stibp - - - - - - - - "
                                "amd-ssbd virt-ssbd amd-no-ssb"},
    [X86_FEAT_SVM] = {0x8000000a, 0, false, 'd',
                      "npt lbrv svm-lock nrip-save tsc-scale vmcb-clean "
                      "flushbyasid decodeassists - - pause-filter - "
                      "pfthreshold avic - v-vmsave-vmload vgif - - - - - - - "
                      "- - - - svme-addr-chk"},
    /* "kvmclock" is two bits: the old and the new clock MSRs. */
    [X86_FEAT_KVM] = {0x40000001, 0, false, 'a',
                      "kvmclock kvm-nopiodelay kvm-mmu kvmclock kvm-asyncpf "
                      "kvm-steal-time kvm-pv-eoi kvm-pv-unhalt - "
                      "kvm-pv-tlb-flush - kvm-pv-ipi kvm-poll-control "
                      "kvm-pv-sched-yield kvm-asyncpf-int "
                      "kvm-msi-ext-dest-id - - - - - - - - "
                      "kvmclock-stable-bit"},
};

/* Other spellings QEMU accepts for a flag. */
const X86FeatureAlias x86_feature_aliases[] = {
    {"sse3", "pni"}, {"pclmuldq", "pclmulqdq"},
    {"xd", "nx"},    {"ffxsr", "fxsr-opt"},
    {"i64", "lm"},
};

const size_t x86_feature_aliases_count = ARRAY_SIZE(x86_feature_aliases);

#define I486_FEATURES    "fpu vme pse "
#define PENTIUM_FEATURES I486_FEATURES "de tsc msr mce cx8 mmx apic "
#define PENTIUM2_FEATURES                                                      \
    PENTIUM_FEATURES "pae sep mtrr pge mca cmov pat pse36 fxsr "
#define PENTIUM3_FEATURES PENTIUM2_FEATURES "sse "
#define PPRO_FEATURES                                                          \
    "fpu de pse tsc msr mce cx8 pge cmov pat fxsr mmx sse sse2 pae sep apic "
#define CORE_EDX PPRO_FEATURES "vme clflush pse36 mca mtrr "
#define SNB_ECX                                                                \
    "avx xsave aes tsc-deadline popcnt x2apic sse4.2 sse4.1 cx16 ssse3 "       \
    "pclmulqdq pni "
#define HSW_ECX SNB_ECX "fma movbe pcid f16c rdrand "
#define HSW_EBX "fsgsbase bmi1 hle avx2 smep bmi2 erms invpcid rtm "
#define BDW_EBX HSW_EBX "rdseed adx smap "
#define SKX_EBX                                                                \
    BDW_EBX "clwb avx512f avx512dq avx512bw avx512cd avx512vl clflushopt "
#define ATOM_ECX                                                               \
    "pni pclmulqdq monitor ssse3 cx16 sse4.1 sse4.2 x2apic movbe popcnt "      \
    "tsc-deadline aes xsave rdrand "
#define ATOM_EXT "syscall nx pdpe1gb rdtscp lm lahf-lm 3dnowprefetch "
#define ZEN_ECX                                                                \
    "rdrand f16c avx xsave aes popcnt movbe sse4.2 sse4.1 cx16 fma ssse3 "     \
    "monitor pclmulqdq pni "
#define ZEN_EXT                                                                \
    "lm rdtscp pdpe1gb fxsr-opt mmxext nx syscall osvw 3dnowprefetch "         \
    "misalignsse sse4a abm cr8legacy svm lahf-lm topoext "
#define ZEN_EBX "fsgsbase bmi1 avx2 smep bmi2 rdseed adx smap clflushopt "
#define TSX_OFF "hle=off rtm=off"

static const X86CPUVersion nehalem_versions[] = {
    {"Nehalem-IBRS", "spec-ctrl=on",
     "Intel Core i7 9xx (Nehalem Core i7, IBRS update)"},
    {NULL},
};

static const X86CPUVersion westmere_versions[] = {
    {"Westmere-IBRS", "spec-ctrl=on",
     "Westmere E56xx/L56xx/X56xx (IBRS update)"},
    {NULL},
};

static const X86CPUVersion sandybridge_versions[] = {
    {"SandyBridge-IBRS", "spec-ctrl=on",
     "Intel Xeon E312xx (Sandy Bridge, IBRS update)"},
    {NULL},
};

static const X86CPUVersion ivybridge_versions[] = {
    {"IvyBridge-IBRS", "spec-ctrl=on",
     "Intel Xeon E3-12xx v2 (Ivy Bridge, IBRS)"},
    {NULL},
};

static const X86CPUVersion haswell_versions[] = {
    {"Haswell-noTSX", TSX_OFF " stepping=1",
     "Intel Core Processor (Haswell, no TSX)"},
    {"Haswell-IBRS", "hle=on rtm=on stepping=4 spec-ctrl=on",
     "Intel Core Processor (Haswell, IBRS)"},
    {"Haswell-noTSX-IBRS", TSX_OFF " stepping=1",
     "Intel Core Processor (Haswell, no TSX, IBRS)"},
    {NULL},
};

static const X86CPUVersion broadwell_versions[] = {
    {"Broadwell-noTSX", TSX_OFF, "Intel Core Processor (Broadwell, no TSX)"},
    {"Broadwell-IBRS", "hle=on rtm=on spec-ctrl=on",
     "Intel Core Processor (Broadwell, IBRS)"},
    {"Broadwell-noTSX-IBRS", TSX_OFF,
     "Intel Core Processor (Broadwell, no TSX, IBRS)"},
    {NULL},
};

static const X86CPUVersion skylake_client_versions[] = {
    {"Skylake-Client-IBRS", "spec-ctrl=on",
     "Intel Core Processor (Skylake, IBRS)"},
    {"Skylake-Client-noTSX-IBRS", TSX_OFF,
     "Intel Core Processor (Skylake, IBRS, no TSX)"},
    {NULL, "xsaves=on", NULL},
    {NULL},
};

static const X86CPUVersion skylake_server_versions[] = {
    {"Skylake-Server-IBRS", "clflushopt=off spec-ctrl=on",
     "Intel Xeon Processor (Skylake, IBRS)"},
    {"Skylake-Server-noTSX-IBRS", TSX_OFF,
     "Intel Xeon Processor (Skylake, IBRS, no TSX)"},
    {NULL, "", NULL},
    {NULL, "xsaves=on", NULL},
    {NULL},
};

static const X86CPUVersion cascadelake_server_versions[] = {
    {NULL, "arch-capabilities=on", NULL},
    {"Cascadelake-Server-noTSX", TSX_OFF, NULL},
    {NULL, "", NULL},
    {NULL, "xsaves=on", NULL},
    {NULL},
};

static const X86CPUVersion cooperlake_versions[] = {
    {NULL, "xsaves=on", NULL},
    {NULL},
};

static const X86CPUVersion icelake_server_versions[] = {
    {"Icelake-Server-noTSX", TSX_OFF, NULL},
    {NULL, "arch-capabilities=on", NULL},
    {NULL, "sha-ni=on avx512ifma=on rdpid=on fsrm=on model=106", NULL},
    {NULL, "xsaves=on", NULL},
    {NULL, "", NULL},
    {NULL},
};

static const X86CPUVersion denverton_versions[] = {
    {NULL, "monitor=off mpx=off", NULL},
    {NULL, "xsaves=on", NULL},
    {NULL},
};

static const X86CPUVersion snowridge_versions[] = {
    {NULL, "mpx=off", "Intel Atom Processor (Snowridge, no MPX)"},
    {NULL, "xsaves=on", NULL},
    {NULL, "core-capability=off", NULL},
    {NULL},
};

static const X86CPUVersion epyc_versions[] = {
    {"EPYC-IBPB", "ibpb=on", "AMD EPYC Processor (with IBPB)"},
    {NULL, "perfctr-core=on clzero=on xsaveerptr=on xsaves=on",
     "AMD EPYC Processor"},
    {NULL},
};

static const X86CPUVersion dhyana_versions[] = {
    {NULL, "xsaves=on", NULL},
    {NULL},
};

static const X86CPUVersion epyc_rome_versions[] = {
    {NULL, "ibrs=on amd-ssbd=on", NULL},
    {NULL},
};

const X86CPUModelDef x86_cpu_models[] = {
    {"qemu64", VENDOR_AMD, 15, 107, 1, 0xd, 0x8000000a,
     PPRO_FEATURES "mtrr clflush mca pse36 pni cx16 lm syscall nx lahf-lm svm",
     QEMU_CPU_ID},
    {"phenom", VENDOR_AMD, 16, 2, 3, 5, 0x8000001a,
     PPRO_FEATURES "mtrr clflush mca pse36 vme pni monitor cx16 popcnt lm "
                   "syscall nx 3dnow 3dnowext mmxext fxsr-opt pdpe1gb rdtscp "
                   "lahf-lm svm abm sse4a npt",
     "AMD Phenom(tm) 9550 Quad-Core Processor"},
    {"core2duo", VENDOR_INTEL, 6, 15, 11, 10, 0x80000008,
     PPRO_FEATURES "mtrr clflush mca pse36 vme acpi ss pni monitor ssse3 "
                   "cx16 lm syscall nx lahf-lm",
     "Intel(R) Core(TM)2 Duo CPU     T7700  @ 2.40GHz"},
    {"kvm64", VENDOR_INTEL, 15, 6, 1, 0xd, 0x80000008,
     PPRO_FEATURES "vme mtrr clflush mca pse36 pni cx16 lm syscall nx",
     "Common KVM processor"},
    {"qemu32", VENDOR_INTEL, 6, 6, 3, 4, 0x80000004, PPRO_FEATURES "pni",
     QEMU_CPU_ID},
    {"kvm32", VENDOR_INTEL, 15, 6, 1, 5, 0x80000008,
     PPRO_FEATURES "vme mtrr clflush mca pse36 pni",
     "Common 32-bit KVM processor"},
    {"coreduo", VENDOR_INTEL, 6, 14, 8, 10, 0x80000008,
     PPRO_FEATURES "vme mtrr clflush mca acpi ss pni monitor nx",
     "Genuine Intel(R) CPU           T2600  @ 2.16GHz"},
    {"486", VENDOR_INTEL, 4, 8, 0, 1, 0, I486_FEATURES, ""},
    {"pentium", VENDOR_INTEL, 5, 4, 3, 1, 0, PENTIUM_FEATURES, ""},
    {"pentium2", VENDOR_INTEL, 6, 5, 2, 2, 0, PENTIUM2_FEATURES, ""},
    {"pentium3", VENDOR_INTEL, 6, 7, 3, 3, 0, PENTIUM3_FEATURES, ""},
    {"athlon", VENDOR_AMD, 6, 2, 3, 2, 0x80000008,
     PPRO_FEATURES "pse36 vme mtrr mca mmxext 3dnow 3dnowext", QEMU_CPU_ID},
    {"n270", VENDOR_INTEL, 6, 28, 2, 10, 0x80000008,
     PPRO_FEATURES "mtrr clflush mca vme acpi ss pni monitor ssse3 movbe nx "
                   "lahf-lm",
     "Intel(R) Atom(TM) CPU N270   @ 1.60GHz"},
    {"Conroe", VENDOR_INTEL, 6, 15, 3, 10, 0x80000008,
     CORE_EDX "ssse3 pni lm nx syscall lahf-lm",
     "Intel Celeron_4x0 (Conroe/Merom Class Core 2)"},
    {"Penryn", VENDOR_INTEL, 6, 23, 3, 10, 0x80000008,
     CORE_EDX "sse4.1 cx16 ssse3 pni lm nx syscall lahf-lm",
     "Intel Core 2 Duo P9xxx (Penryn Class Core 2)"},
    {"Nehalem", VENDOR_INTEL, 6, 26, 3, 11, 0x80000008,
     CORE_EDX "popcnt sse4.2 sse4.1 cx16 ssse3 pni lm syscall nx lahf-lm",
     "Intel Core i7 9xx (Nehalem Class Core i7)", nehalem_versions},
    {"Westmere", VENDOR_INTEL, 6, 44, 1, 11, 0x80000008,
     CORE_EDX "aes popcnt sse4.2 sse4.1 cx16 ssse3 pclmulqdq pni lm syscall "
              "nx lahf-lm arat",
     "Westmere E56xx/L56xx/X56xx (Nehalem-C)", westmere_versions},
    {"SandyBridge", VENDOR_INTEL, 6, 42, 1, 0xd, 0x80000008,
     CORE_EDX SNB_ECX "lm rdtscp nx syscall lahf-lm xsaveopt arat",
     "Intel Xeon E312xx (Sandy Bridge)", sandybridge_versions},
    {"IvyBridge", VENDOR_INTEL, 6, 58, 9, 0xd, 0x80000008,
     CORE_EDX SNB_ECX "f16c rdrand fsgsbase smep erms lm rdtscp nx syscall "
                      "lahf-lm xsaveopt arat",
     "Intel Xeon E3-12xx v2 (Ivy Bridge)", ivybridge_versions},
    {"Haswell", VENDOR_INTEL, 6, 60, 4, 0xd, 0x80000008,
     CORE_EDX HSW_ECX HSW_EBX "lm rdtscp nx syscall abm lahf-lm xsaveopt arat",
     "Intel Core Processor (Haswell)", haswell_versions},
    {"Broadwell", VENDOR_INTEL, 6, 61, 2, 0xd, 0x80000008,
     CORE_EDX HSW_ECX BDW_EBX "lm rdtscp nx syscall abm lahf-lm 3dnowprefetch "
                              "xsaveopt arat",
     "Intel Core Processor (Broadwell)", broadwell_versions},
    {"Skylake-Client", VENDOR_INTEL, 6, 94, 3, 0xd, 0x80000008,
     CORE_EDX HSW_ECX BDW_EBX "lm rdtscp nx syscall abm lahf-lm 3dnowprefetch "
                              "xsaveopt xsavec xgetbv1 arat",
     "Intel Core Processor (Skylake)", skylake_client_versions},
    {"Skylake-Server", VENDOR_INTEL, 6, 85, 4, 0xd, 0x80000008,
     CORE_EDX HSW_ECX SKX_EBX "lm pdpe1gb rdtscp nx syscall abm lahf-lm "
                              "3dnowprefetch pku xsaveopt xsavec xgetbv1 arat",
     "Intel Xeon Processor (Skylake)", skylake_server_versions},
    {"Cascadelake-Server", VENDOR_INTEL, 6, 85, 6, 0xd, 0x80000008,
     CORE_EDX HSW_ECX SKX_EBX "lm pdpe1gb rdtscp nx syscall abm lahf-lm "
                              "3dnowprefetch pku avx512vnni spec-ctrl ssbd "
                              "xsaveopt xsavec xgetbv1 arat",
     "Intel Xeon Processor (Cascadelake)", cascadelake_server_versions},
    {"Cooperlake", VENDOR_INTEL, 6, 85, 10, 0xd, 0x80000008,
     CORE_EDX HSW_ECX SKX_EBX "lm pdpe1gb rdtscp nx syscall abm lahf-lm "
                              "3dnowprefetch pku avx512vnni spec-ctrl stibp "
                              "ssbd arch-capabilities avx512-bf16 xsaveopt "
                              "xsavec xgetbv1 arat",
     "Intel Xeon Processor (Cooperlake)", cooperlake_versions},
    {"Icelake-Server", VENDOR_INTEL, 6, 134, 0, 0xd, 0x80000008,
     CORE_EDX HSW_ECX SKX_EBX
     "lm pdpe1gb rdtscp nx syscall abm lahf-lm 3dnowprefetch wbnoinvd "
     "avx512vbmi umip pku avx512vbmi2 gfni vaes vpclmulqdq avx512vnni "
     "avx512bitalg avx512-vpopcntdq la57 spec-ctrl ssbd xsaveopt xsavec "
     "xgetbv1 arat",
     "Intel Xeon Processor (Icelake)", icelake_server_versions},
    {"Denverton", VENDOR_INTEL, 6, 95, 1, 21, 0x80000008,
     CORE_EDX ATOM_ECX ATOM_EXT "fsgsbase smep erms mpx rdseed smap "
                                "clflushopt sha-ni spec-ctrl "
                                "arch-capabilities ssbd xsaveopt xsavec "
                                "xgetbv1 arat",
     "Intel Atom Processor (Denverton)", denverton_versions},
    {"Snowridge", VENDOR_INTEL, 6, 134, 1, 27, 0x80000008,
     CORE_EDX ATOM_ECX ATOM_EXT "fsgsbase smep erms mpx rdseed smap "
                                "clflushopt clwb sha-ni umip gfni movdiri "
                                "cldemote movdir64b spec-ctrl "
                                "arch-capabilities ssbd core-capability "
                                "xsaveopt xsavec xgetbv1 arat",
     "Intel Atom Processor (SnowRidge)", snowridge_versions},
    {"KnightsMill", VENDOR_INTEL, 6, 133, 0, 0xd, 0x80000008,
     CORE_EDX "ss avx xsave aes popcnt x2apic sse4.2 sse4.1 cx16 ssse3 "
              "pclmulqdq pni tsc-deadline fma movbe f16c rdrand lm pdpe1gb "
              "rdtscp nx syscall abm lahf-lm 3dnowprefetch fsgsbase bmi1 "
              "avx2 smep bmi2 erms rdseed adx avx512f avx512cd avx512pf "
              "avx512er avx512-vpopcntdq avx512-4vnniw avx512-4fmaps "
              "xsaveopt arat",
     "Intel Xeon Phi Processor (Knights Mill)"},
    {"Opteron_G1", VENDOR_AMD, 15, 6, 1, 5, 0x80000008,
     CORE_EDX "pni lm nx syscall", "AMD Opteron 240 (Gen 1 Class Opteron)"},
    {"Opteron_G2", VENDOR_AMD, 15, 6, 1, 5, 0x80000008,
     CORE_EDX "cx16 pni lm nx syscall svm lahf-lm",
     "AMD Opteron 22xx (Gen 2 Class Opteron)"},
    {"Opteron_G3", VENDOR_AMD, 16, 2, 3, 5, 0x80000008,
     CORE_EDX "popcnt cx16 monitor pni lm nx syscall rdtscp misalignsse "
              "sse4a abm svm lahf-lm",
     "AMD Opteron 23xx (Gen 3 Class Opteron)"},
    {"Opteron_G4", VENDOR_AMD, 21, 1, 2, 0xd, 0x8000001a,
     CORE_EDX "avx xsave aes popcnt sse4.2 sse4.1 cx16 ssse3 pclmulqdq pni "
              "lm pdpe1gb nx syscall rdtscp fma4 xop 3dnowprefetch "
              "misalignsse sse4a abm svm lahf-lm npt nrip-save",
     "AMD Opteron 62xx class CPU"},
    {"Opteron_G5", VENDOR_AMD, 21, 2, 0, 0xd, 0x8000001a,
     CORE_EDX "f16c avx xsave aes popcnt sse4.2 sse4.1 cx16 fma ssse3 "
              "pclmulqdq pni lm pdpe1gb nx syscall rdtscp tbm fma4 xop "
              "3dnowprefetch misalignsse sse4a abm svm lahf-lm npt nrip-save",
     "AMD Opteron 63xx class CPU"},
    {"EPYC", VENDOR_AMD, 23, 1, 2, 0xd, 0x8000001e,
     CORE_EDX ZEN_ECX ZEN_EXT ZEN_EBX "sha-ni xsaveopt xsavec xgetbv1 arat "
                                      "npt nrip-save",
     "AMD EPYC Processor", epyc_versions},
    {"Dhyana", VENDOR_HYGON, 24, 0, 1, 0xd, 0x8000001e,
     CORE_EDX "rdrand f16c avx xsave popcnt movbe sse4.2 sse4.1 cx16 fma "
              "ssse3 monitor pni " ZEN_EXT "ibpb " ZEN_EBX
              "xsaveopt xsavec xgetbv1 arat npt nrip-save",
     "Hygon Dhyana Processor", dhyana_versions},
    {"EPYC-Rome", VENDOR_AMD, 23, 49, 0, 0xd, 0x8000001e,
     CORE_EDX ZEN_ECX ZEN_EXT ZEN_EBX
     "perfctr-core clzero xsaveerptr wbnoinvd ibpb amd-stibp sha-ni clwb "
     "umip rdpid xsaveopt xsavec xgetbv1 xsaves arat npt nrip-save",
     "AMD EPYC-Rome Processor", epyc_rome_versions},
    {"EPYC-Milan", VENDOR_AMD, 25, 1, 1, 0xd, 0x8000001e,
     CORE_EDX ZEN_ECX ZEN_EXT ZEN_EBX
     "pcid perfctr-core clzero xsaveerptr wbnoinvd ibpb ibrs amd-stibp "
     "amd-ssbd sha-ni clwb erms invpcid umip rdpid pku fsrm xsaveopt xsavec "
     "xgetbv1 xsaves arat npt nrip-save svme-addr-chk",
     "AMD EPYC-Milan Processor"},
};

const size_t x86_cpu_models_count = ARRAY_SIZE(x86_cpu_models);
