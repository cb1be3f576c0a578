/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * target/i386/cpu-model: -cpu parsing and the CPUID table a model yields
 * against a fake "supported" table (what KVM_GET_SUPPORTED_CPUID would
 * say): vendor string, family/model encoding, flags on and off, the
 * intersection with what is supported, QEMU's warnings, enforce, host.
 */
#include "util/osdep.h"
#include "target/i386/cpu-model.h"
#include "tests/unit/unit.h"

/* A host that has SSE up to 4.2, AVX/AVX2, x2apic, tsc-deadline, no svm. */
static const X86CPUIDEntry fake_sup[] = {
    {0, 0, 0, 0x10, 0x756e6547, 0x6c65746e, 0x49656e69}, /* GenuineIntel */
    {1, 0, 0, 0x000306c3, 0x00000800, 0x97fa3203 | (1u << 24), 0x178bfbff},
    {6, 0, 0, 0x4, 0, 0, 0},
    {7, 0, X86_CPUID_FLAG_INDEXED, 0, 0x000007ab, 0, 0},
    {0xd, 0, X86_CPUID_FLAG_INDEXED, 0x7, 0x340, 0x340, 0},
    {0xd, 1, X86_CPUID_FLAG_INDEXED, 0x1, 0, 0, 0},
    {0xd, 2, X86_CPUID_FLAG_INDEXED, 0x100, 0x240, 0, 0},
    {0x40000001, 0, 0, 0x01007afb, 0, 0, 0},
    {0x80000000, 0, 0, 0x80000008, 0, 0, 0},
    {0x80000001, 0, 0, 0, 0, 0x00000121, 0x2c100800},
    {0x80000008, 0, 0, 0x3027, 0, 0, 0},
};

#define BIT(n) (1u << (n))

static GArray *compute(const char *spec, GPtrArray *warnings)
{
    X86CPUConfig cfg;
    Error *err = NULL;
    GArray *t;

    CU_ASSERT_TRUE_FATAL(x86_cpu_config_parse(spec, &cfg, &err));
    t = x86_cpu_compute_cpuid(&cfg, fake_sup, ARRAY_SIZE(fake_sup), warnings,
                              &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    return t;
}

static X86CPUIDEntry *leaf(GArray *t, uint32_t fn, uint32_t idx)
{
    X86CPUIDEntry *e =
        x86_cpuid_find((X86CPUIDEntry *)t->data, t->len, fn, idx);

    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    return e;
}

static void vendor_of(GArray *t, char out[13])
{
    X86CPUIDEntry *e = leaf(t, 0, 0);

    memcpy(out, &e->ebx, 4);
    memcpy(out + 4, &e->edx, 4);
    memcpy(out + 8, &e->ecx, 4);
    out[12] = '\0';
}

static void test_vendor(void)
{
    g_autoptr(GArray) amd = compute("qemu64,vendor=AuthenticAMD", NULL);
    g_autoptr(GArray) intel = compute("Nehalem", NULL);
    g_autoptr(GArray) forced = compute("Nehalem,vendor=AuthenticAMD", NULL);
    g_autoptr(GArray) host = compute("EPYC", NULL);
    g_autoptr(GArray) base = compute("base", NULL);
    char v[13];

    vendor_of(amd, v);
    CU_ASSERT_STRING_EQUAL(v, "AuthenticAMD");
    vendor_of(intel, v);
    CU_ASSERT_STRING_EQUAL(v, "GenuineIntel");
    vendor_of(forced, v);
    CU_ASSERT_STRING_EQUAL(v, "AuthenticAMD");
    /* As QEMU under KVM: without vendor=, the host's (the fake's Intel). */
    vendor_of(host, v);
    CU_ASSERT_STRING_EQUAL(v, "GenuineIntel");
    vendor_of(base, v);
    CU_ASSERT_STRING_EQUAL(v, "");
    /* The extended leaf repeats the vendor, the model-id follows. */
    CU_ASSERT_EQUAL(leaf(amd, 0x80000000, 0)->ebx, leaf(amd, 0, 0)->ebx);
    CU_ASSERT_EQUAL(memcmp(&leaf(intel, 0x80000002, 0)->eax, "Inte", 4), 0);
}

static void test_family_model(void)
{
    g_autoptr(GArray) nehalem = compute("Nehalem", NULL);
    g_autoptr(GArray) epyc = compute("EPYC-Rome", NULL);
    g_autoptr(GArray) custom =
        compute("qemu64,family=6,model=158,stepping=9", NULL);

    /* Family 6, model 26 (0x1a): base model 0xa, extended model 1. */
    CU_ASSERT_EQUAL(leaf(nehalem, 1, 0)->eax, 0x000106a3);
    /* Family 23 = 0xf + extended family 8; model 49 = 0x31. */
    CU_ASSERT_EQUAL(leaf(epyc, 1, 0)->eax, 0x00830f10);
    CU_ASSERT_EQUAL(leaf(custom, 1, 0)->eax, 0x000906e9);
    CU_ASSERT_EQUAL(leaf(nehalem, 0, 0)->eax, 11);
    CU_ASSERT_EQUAL(leaf(nehalem, 0x80000000, 0)->eax, 0x80000008);
}

static void test_flags(void)
{
    g_autoptr(GArray) plain = compute("qemu64,vendor=AuthenticAMD", NULL);
    g_autoptr(GArray) nosse3 = compute("qemu64,-sse3", NULL);
    g_autoptr(GArray) more = compute("qemu64,+sse4_2,ssse3=on,+avx2", NULL);
    g_autoptr(GArray) nodl = compute("qemu64,tsc-deadline=off", NULL);

    CU_ASSERT_TRUE(leaf(plain, 1, 0)->ecx & BIT(0)); /* pni */
    CU_ASSERT_FALSE(leaf(nosse3, 1, 0)->ecx & BIT(0));
    CU_ASSERT_FALSE(leaf(plain, 1, 0)->ecx & BIT(20));
    CU_ASSERT_TRUE(leaf(more, 1, 0)->ecx & BIT(20)); /* sse4.2 */
    CU_ASSERT_TRUE(leaf(more, 1, 0)->ecx & BIT(9));  /* ssse3 */
    CU_ASSERT_TRUE(leaf(more, 7, 0)->ebx & BIT(5));  /* avx2 */
    /* x2apic (QEMU's KVM default), tsc-deadline (kemu's offer). */
    CU_ASSERT_TRUE(leaf(plain, 1, 0)->ecx & X86_1_ECX_X2APIC);
    CU_ASSERT_TRUE(leaf(plain, 1, 0)->ecx & X86_1_ECX_TSC_DEADLINE);
    CU_ASSERT_TRUE(leaf(plain, 1, 0)->ecx & X86_1_ECX_HYPERVISOR);
    CU_ASSERT_FALSE(leaf(nodl, 1, 0)->ecx & X86_1_ECX_TSC_DEADLINE);
    /* AMD repeats CPUID.1:EDX bits in 80000001H:EDX; lm is there. */
    CU_ASSERT_TRUE(leaf(plain, 0x80000001, 0)->edx & BIT(29));
    CU_ASSERT_TRUE(leaf(plain, 0x80000001, 0)->edx & BIT(0));
    /* QEMU turns svm off under KVM; the KVM leaf has kvmclock. */
    CU_ASSERT_FALSE(leaf(plain, 0x80000001, 0)->ecx & BIT(2));
    CU_ASSERT_TRUE(leaf(plain, 0x40000001, 0)->eax & (BIT(0) | BIT(3)));
    CU_ASSERT_EQUAL(memcmp(&leaf(plain, 0x40000000, 0)->ebx, "KVMK", 4), 0);
}

static void test_intersection_warnings(void)
{
    g_autoptr(GPtrArray) w = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GArray) t = compute("qemu64,+svm,+avx512f", w);

    /* Neither is supported: both dropped, each warned about. */
    CU_ASSERT_FALSE(leaf(t, 0x80000001, 0)->ecx & BIT(2));
    CU_ASSERT_FALSE(leaf(t, 7, 0)->ebx & BIT(16));
    CU_ASSERT_EQUAL_FATAL(w->len, 2);
    CU_ASSERT_STRING_EQUAL(w->pdata[0], "host doesn't support requested "
                                        "feature: CPUID.07H:EBX.avx512f "
                                        "[bit 16]");
    CU_ASSERT_STRING_EQUAL(w->pdata[1], "host doesn't support requested "
                                        "feature: CPUID.80000001H:ECX.svm "
                                        "[bit 2]");
}

static void test_model_features_filtered(void)
{
    g_autoptr(GPtrArray) w = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) quiet = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GArray) t = compute("Haswell", w);
    g_autoptr(GArray) t2 = compute("Haswell-noTSX,check=off", quiet);

    /* A model's own features the host lacks are warned about too. */
    CU_ASSERT_TRUE(w->len > 0);
    CU_ASSERT_EQUAL(quiet->len, 0);
    CU_ASSERT_TRUE(leaf(t, 7, 0)->ebx & BIT(5));   /* avx2: supported */
    CU_ASSERT_FALSE(leaf(t, 7, 0)->ebx & BIT(4));  /* hle: not */
    CU_ASSERT_EQUAL(leaf(t2, 1, 0)->eax & 0xf, 1); /* noTSX: stepping 1 */
}

static void test_enforce(void)
{
    X86CPUConfig cfg;
    Error *err = NULL;

    CU_ASSERT_TRUE_FATAL(
        x86_cpu_config_parse("qemu64,+svm,enforce=on", &cfg, &err));
    CU_ASSERT_PTR_NULL(x86_cpu_compute_cpuid(&cfg, fake_sup,
                                             ARRAY_SIZE(fake_sup), NULL, &err));
    CU_ASSERT_PTR_NOT_NULL(err);
    error_free(err);
}

static void test_host(void)
{
    g_autoptr(GPtrArray) w = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GArray) host = compute("host", w);
    g_autoptr(GArray) max = compute("max,-avx2,+svm", w);
    char v[13];

    vendor_of(host, v);
    CU_ASSERT_STRING_EQUAL(v, "GenuineIntel");
    CU_ASSERT_EQUAL(leaf(host, 1, 0)->eax, 0x000306c3);
    CU_ASSERT_TRUE(leaf(host, 7, 0)->ebx & BIT(5));
    CU_ASSERT_FALSE(leaf(max, 7, 0)->ebx & BIT(5));
    CU_ASSERT_EQUAL(w->len, 1); /* svm */
    CU_ASSERT_EQUAL(leaf(host, 0, 0)->eax, 0x10);
}

static void test_xsave(void)
{
    g_autoptr(GArray) snb = compute("SandyBridge", NULL);
    g_autoptr(GArray) noavx = compute("SandyBridge,-avx", NULL);

    CU_ASSERT_EQUAL(leaf(snb, 0xd, 0)->eax, 0x7); /* x87, SSE, YMM */
    CU_ASSERT_EQUAL(leaf(snb, 0xd, 0)->ecx, 0x340);
    CU_ASSERT_EQUAL(leaf(snb, 0xd, 1)->eax, 0x1); /* xsaveopt */
    CU_ASSERT_EQUAL(leaf(noavx, 0xd, 0)->eax, 0x3);
    CU_ASSERT_EQUAL(leaf(noavx, 0xd, 0)->ecx, 576);
}

static void test_parse_errors(void)
{
    static const char *const bad[] = {
        "pentium9",
        "qemu64,+nosuchflag",
        "qemu64,hv_relaxed",
        "qemu64,hv-time=on",
        "qemu64,family=x",
        "qemu64,vendor=Intel",
        "qemu64,x2apic=maybe",
        "",
        "qemu64,vmx-ept=on",
    };
    X86CPUConfig cfg;

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        Error *err = NULL;

        CU_ASSERT_FALSE(x86_cpu_config_parse(bad[i], &cfg, &err));
        CU_ASSERT_PTR_NOT_NULL(err);
        error_free(err);
    }
}

/* Every model and version in the help loads, and its flags all exist. */
static void test_all_models(void)
{
    static const char *const names[] = {
        "qemu64",
        "kvm64",
        "qemu32",
        "kvm32",
        "host",
        "max",
        "base",
        "486",
        "pentium",
        "pentium2",
        "pentium3",
        "athlon",
        "n270",
        "coreduo",
        "core2duo",
        "phenom",
        "Conroe",
        "Penryn",
        "Nehalem",
        "Nehalem-IBRS",
        "Westmere",
        "SandyBridge",
        "IvyBridge",
        "Haswell",
        "Haswell-noTSX",
        "Haswell-noTSX-IBRS",
        "Broadwell",
        "Broadwell-noTSX",
        "Skylake-Client",
        "Skylake-Client-v4",
        "Skylake-Server",
        "Skylake-Server-noTSX-IBRS",
        "Cascadelake-Server",
        "Cascadelake-Server-noTSX",
        "Cooperlake",
        "Icelake-Server",
        "Icelake-Server-v4",
        "Icelake-Server-noTSX",
        "Denverton",
        "Snowridge",
        "KnightsMill",
        "Opteron_G1",
        "Opteron_G2",
        "Opteron_G3",
        "Opteron_G4",
        "Opteron_G5",
        "EPYC",
        "EPYC-IBPB",
        "EPYC-v3",
        "EPYC-Rome",
        "EPYC-Milan",
        "Dhyana",
    };
    X86CPUConfig cfg;

    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        Error *err = NULL;
        GArray *t;

        if (!x86_cpu_config_parse(names[i], &cfg, &err)) {
            CU_FAIL(names[i]);
            error_free(err);
            continue;
        }
        t = x86_cpu_compute_cpuid(&cfg, fake_sup, ARRAY_SIZE(fake_sup), NULL,
                                  &err);
        CU_ASSERT_PTR_NOT_NULL(t);
        if (t) {
            g_array_free(t, true);
        }
    }
    CU_ASSERT_FALSE(x86_cpu_config_parse("Haswell-v5", &cfg, NULL));
}

static void test_flag_names(void)
{
    X86FeatureWord w;
    unsigned bit;

    CU_ASSERT_TRUE(x86_cpu_feature_bit("sse4_2", &w, &bit));
    CU_ASSERT_EQUAL(w, X86_FEAT_1_ECX);
    CU_ASSERT_EQUAL(bit, 20);
    CU_ASSERT_TRUE(x86_cpu_feature_bit("sse4.1", &w, &bit));
    CU_ASSERT_EQUAL(bit, 19);
    CU_ASSERT_TRUE(x86_cpu_feature_bit("tsc_deadline", &w, &bit));
    CU_ASSERT_EQUAL(bit, 24);
    CU_ASSERT_TRUE(x86_cpu_feature_bit("lahf_lm", &w, &bit));
    CU_ASSERT_EQUAL(w, X86_FEAT_8000_0001_ECX);
    CU_ASSERT_TRUE(x86_cpu_feature_bit("sse3", &w, &bit));
    CU_ASSERT_EQUAL(bit, 0);
    CU_ASSERT_FALSE(x86_cpu_feature_bit("sse5", &w, &bit));
}

UNIT_SUITE(x86_cpu, NULL, NULL, UNIT_TEST(test_vendor),
           UNIT_TEST(test_family_model), UNIT_TEST(test_flags),
           UNIT_TEST(test_intersection_warnings),
           UNIT_TEST(test_model_features_filtered), UNIT_TEST(test_enforce),
           UNIT_TEST(test_host), UNIT_TEST(test_xsave),
           UNIT_TEST(test_parse_errors), UNIT_TEST(test_all_models),
           UNIT_TEST(test_flag_names));
