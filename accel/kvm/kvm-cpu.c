/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The KVM accelerator, vCPU side: creating the vCPUs (CPUID: the -cpu
 * model against KVM_GET_SUPPORTED_CPUID, see target/i386/cpu-model.h, with
 * per-vCPU APIC IDs), their reset state (the x86 reset vector, or the flat
 * 32-bit entry of a loaded kernel; MSRs, LAPIC, MP state), one thread per vCPU
 * looping on KVM_RUN with the exit dispatch, and parking those threads for
 * pause, reset and shutdown.  The rules are in docs/devel/threading.md.
 */
#include "util/osdep.h"
#include "accel/kvm/kvm-internal.h"
#include "util/log.h"
#include "target/i386/cpu-model.h"
#include <asm/kvm_para.h>
#include <cpuid.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

/* CPUID leaves and the fields kemu fills in. */
#define CPUID_VENDOR_LEAF          0
#define CPUID_FEATURES_LEAF        1
#define CPUID_1_EBX_APIC_ID_SHIFT  24
#define CPUID_1_EBX_COUNT_SHIFT    16
#define CPUID_1_EBX_KEEP           0xffffu
#define CPUID_1_ECX_HYPERVISOR     (1u << 31)
#define CPUID_1_EDX_HTT            (1u << 28)
#define CPUID_CACHE_LEAF           4
#define CPUID_4_EAX_TYPE_MASK      0x1fu
#define CPUID_4_EAX_CORES_SHIFT    26
#define CPUID_4_EAX_KEEP           0x03ffffffu
#define CPUID_TOPO_LEAF            0xb
#define CPUID_TOPO_V2_LEAF         0x1f
#define CPUID_TOPO_SUBLEAVES       3 /* SMT, core, and the invalid terminator */
#define CPUID_TOPO_LEVEL_SMT       1
#define CPUID_TOPO_LEVEL_CORE      2
#define CPUID_TOPO_TYPE_SHIFT      8
#define CPUID_AMD_SIZE_LEAF        0x80000008u
#define CPUID_AMD_8_ECX_KEEP       0xffff0f00u
#define CPUID_AMD_8_ECX_SIZE_SHIFT 12
#define CPUID_AMD_TOPO_LEAF        0x8000001eu
#define CPUID_AMD_1E_EBX_KEEP      0xffffff00u
#define CPUID_ARAT_LEAF            6
#define CPUID_BRAND_FIRST          0x80000002u /* the model name, 16 bytes */
#define CPUID_BRAND_LAST           0x80000004u /* ... per leaf */
#define KVM_DEFAULT_CPU_MODEL      "qemu64"    /* QEMU's default on the pc */

/* x86 state at reset and at a flat 32-bit entry. */
#define X86_RESET_RIP             0xfff0
#define X86_RFLAGS_RESERVED       0x2
#define X86_CR0_PE                0x1
#define X86_CR0_ET                0x10
#define X86_CR0_PG                0x80000000u
#define KVM_INSN_BYTES_MAX        15 /* the longest x86 instruction */
#define FLAT_CODE_SELECTOR        0x10
#define FLAT_DATA_SELECTOR        0x18
#define SEG_TYPE_CODE_RX_ACCESSED 0xb
#define SEG_TYPE_DATA_RW_ACCESSED 0x3
#define FLAT_LIMIT                0xffffffffu

/* MSRs set at reset, with their power-on values. */
#define MSR_IA32_TSC            0x10
#define MSR_IA32_SYSENTER_CS    0x174
#define MSR_IA32_SYSENTER_ESP   0x175
#define MSR_IA32_SYSENTER_EIP   0x176
#define MSR_IA32_MISC_ENABLE    0x1a0
#define MSR_IA32_CR_PAT         0x277
#define MSR_MTRR_FIX64K_00000   0x250
#define MSR_MTRR_FIX16K_80000   0x258
#define MSR_MTRR_FIX16K_A0000   0x259
#define MSR_MTRR_FIX4K_C0000    0x268
#define MSR_MTRR_FIX4K_COUNT    8
#define MSR_MTRR_DEF_TYPE       0x2ff
#define MSR_STAR                0xc0000081
#define MSR_LSTAR               0xc0000082
#define MSR_CSTAR               0xc0000083
#define MSR_SYSCALL_MASK        0xc0000084
#define MSR_KERNEL_GS_BASE      0xc0000102
#define MSR_TSC_AUX             0xc0000103
#define MISC_ENABLE_FAST_STRING 0x1
#define PAT_POWER_ON            0x0007040600070406ULL
/*
 * What SeaBIOS leaves a kernel: MTRRs and the fixed ranges on, default
 * write-back; the fixed ranges write-back but the VGA window (0xA0000-
 * 0xBFFFF) uncached.  Variable ranges stay off: PAT makes MMIO uncached.
 */
#define MTRR_DEF_TYPE_FIRMWARE 0xc06
#define MTRR_FIX_ALL_WB        0x0606060606060606ULL
#define MTRR_FIX_ALL_UC        0
#define KVM_MAX_RESET_MSRS     48

/* ---- CPUID ---- */

static unsigned kvm_topo_bits(unsigned n)
{
    return n > 1 ? 32 - __builtin_clz(n - 1) : 0;
}

static struct kvm_cpuid_entry2 *cpuid_append(struct kvm_cpuid2 *c,
                                             uint32_t function, uint32_t index)
{
    struct kvm_cpuid_entry2 *e = &c->entries[c->nent++];

    memset(e, 0, sizeof(*e));
    e->function = function;
    e->index = index;
    return e;
}

/* Leaf 0xb (or 0x1f): one thread per core, s->ncpus cores per package. */
static void cpuid_add_topology(KVMState *s, struct kvm_cpuid2 *c, uint32_t leaf,
                               int apic_id)
{
    for (uint32_t sub = 0; sub < CPUID_TOPO_SUBLEAVES; sub++) {
        struct kvm_cpuid_entry2 *e = cpuid_append(c, leaf, sub);

        e->flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
        e->ecx = sub;
        e->edx = apic_id;
        if (sub == 0) {
            e->ebx = 1;
            e->ecx |= CPUID_TOPO_LEVEL_SMT << CPUID_TOPO_TYPE_SHIFT;
        } else if (sub == 1) {
            e->eax = kvm_topo_bits(s->ncpus);
            e->ebx = s->ncpus;
            e->ecx |= CPUID_TOPO_LEVEL_CORE << CPUID_TOPO_TYPE_SHIFT;
        }
    }
}

/*
 * What KVM offers beyond KVM_GET_SUPPORTED_CPUID (QEMU's fixups): the
 * hypervisor bit, the TSC deadline timer of the in-kernel LAPIC (which
 * kemu always has) where KVM_CAP_TSC_DEADLINE_TIMER says so, MTRR/PAT/MCE/
 * MCA that old kernels left out, ARAT (the LAPIC timer is emulated), and
 * the host's model name where KVM leaves it empty.
 */
static GArray *kvm_supported_entries(KVMState *s)
{
    const struct kvm_cpuid2 *sup = s->supported_cpuid;
    GArray *a =
        g_array_sized_new(false, true, sizeof(X86CPUIDEntry), sup->nent + 1);
    bool has_arat_leaf = false;

    for (uint32_t i = 0; i < sup->nent; i++) {
        const struct kvm_cpuid_entry2 *in = &sup->entries[i];
        X86CPUIDEntry e = {
            .function = in->function,
            .index = in->index,
            .flags = (in->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX)
                         ? X86_CPUID_FLAG_INDEXED
                         : 0,
            .eax = in->eax,
            .ebx = in->ebx,
            .ecx = in->ecx,
            .edx = in->edx,
        };

        if (e.function == CPUID_FEATURES_LEAF) {
            e.ecx |= X86_1_ECX_HYPERVISOR;
            if (kvm_check_extension(s, KVM_CAP_TSC_DEADLINE_TIMER)) {
                e.ecx |= X86_1_ECX_TSC_DEADLINE;
            }
            e.edx |=
                X86_1_EDX_MTRR | X86_1_EDX_PAT | X86_1_EDX_MCE | X86_1_EDX_MCA;
        } else if (e.function == CPUID_ARAT_LEAF) {
            e.eax |= X86_6_EAX_ARAT;
            has_arat_leaf = true;
        } else if (e.function >= CPUID_BRAND_FIRST &&
                   e.function <= CPUID_BRAND_LAST && !e.eax && !e.ebx &&
                   !e.ecx && !e.edx) {
            /* -cpu host names the host CPU, as QEMU's does (kvm_pvm: 0s). */
            __get_cpuid(e.function, &e.eax, &e.ebx, &e.ecx, &e.edx);
        }
        g_array_append_val(a, e);
    }
    if (!has_arat_leaf) {
        X86CPUIDEntry e = {.function = CPUID_ARAT_LEAF, .eax = X86_6_EAX_ARAT};

        g_array_append_val(a, e);
    }
    return a;
}

/*
 * The -cpu model's CPUID table (qemu64 without -cpu, as QEMU), computed
 * once for all vCPUs; QEMU's warnings for what KVM lacks go to stderr.
 */
static bool kvm_compute_guest_cpuid(KVMState *s, Error **errp)
{
    const char *spec =
        s->ms->cpu_model ? s->ms->cpu_model : KVM_DEFAULT_CPU_MODEL;
    g_autoptr(GArray) sup = kvm_supported_entries(s);
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    X86CPUConfig cfg;

    if (!x86_cpu_config_parse(spec, &cfg, errp)) {
        error_prepend(errp, "-cpu %s: ", spec);
        return false;
    }
    s->guest_cpuid = x86_cpu_compute_cpuid(&cfg, (X86CPUIDEntry *)sup->data,
                                           sup->len, warnings, errp);
    for (guint i = 0; i < warnings->len; i++) {
        warn_report("%s", (const char *)warnings->pdata[i]);
    }
    return s->guest_cpuid != NULL;
}

/*
 * What vCPU apic_id sees: the model's table with its APIC ID and the CPU
 * count in the topology leaves.
 */
static struct kvm_cpuid2 *kvm_vcpu_cpuid(KVMState *s, KVMCPU *cpu)
{
    const GArray *model = s->guest_cpuid;
    unsigned n = s->ncpus;
    int id = cpu->index;
    uint32_t max_basic = 0;
    bool has_topo_v2 = false;
    struct kvm_cpuid2 *c =
        g_malloc0(sizeof(*c) + (model->len + 2 * CPUID_TOPO_SUBLEAVES) *
                                   sizeof(c->entries[0]));
    struct kvm_cpuid_entry2 *e;

    for (guint i = 0; i < model->len; i++) {
        const X86CPUIDEntry *in = &g_array_index(model, X86CPUIDEntry, i);

        switch (in->function) {
        case CPUID_TOPO_V2_LEAF:
            has_topo_v2 = true;
            continue;
        case CPUID_TOPO_LEAF:
            continue;
        }
        e = cpuid_append(c, in->function, in->index);
        e->flags = (in->flags & X86_CPUID_FLAG_INDEXED)
                       ? KVM_CPUID_FLAG_SIGNIFCANT_INDEX
                       : 0;
        e->eax = in->eax;
        e->ebx = in->ebx;
        e->ecx = in->ecx;
        e->edx = in->edx;
        switch (e->function) {
        case CPUID_VENDOR_LEAF:
            max_basic = e->eax;
            break;
        case CPUID_FEATURES_LEAF:
            cpu->cpuid1_eax = e->eax;
            e->ebx = (e->ebx & CPUID_1_EBX_KEEP) |
                     ((uint32_t)id << CPUID_1_EBX_APIC_ID_SHIFT);
            e->edx &= ~CPUID_1_EDX_HTT;
            if (n > 1) {
                e->ebx |= n << CPUID_1_EBX_COUNT_SHIFT;
                e->edx |= CPUID_1_EDX_HTT;
            }
            break;
        case CPUID_CACHE_LEAF:
            if (e->eax & CPUID_4_EAX_TYPE_MASK) {
                e->eax = (e->eax & CPUID_4_EAX_KEEP) |
                         ((n - 1) << CPUID_4_EAX_CORES_SHIFT);
            }
            break;
        case CPUID_AMD_SIZE_LEAF:
            e->ecx = (e->ecx & CPUID_AMD_8_ECX_KEEP) | (n - 1) |
                     (kvm_topo_bits(n) << CPUID_AMD_8_ECX_SIZE_SHIFT);
            break;
        case CPUID_AMD_TOPO_LEAF:
            e->eax = id;
            e->ebx = (e->ebx & CPUID_AMD_1E_EBX_KEEP) | id;
            break;
        }
    }
    if (max_basic >= CPUID_TOPO_LEAF) {
        cpuid_add_topology(s, c, CPUID_TOPO_LEAF, id);
    }
    if (has_topo_v2 && max_basic >= CPUID_TOPO_V2_LEAF) {
        cpuid_add_topology(s, c, CPUID_TOPO_V2_LEAF, id);
    }
    return c;
}

/* ---- Reset state ---- */

static void flat_segment(struct kvm_segment *seg, uint16_t selector,
                         uint8_t type)
{
    *seg = (struct kvm_segment){
        .base = 0,
        .limit = FLAT_LIMIT,
        .selector = selector,
        .type = type,
        .present = 1,
        .db = 1,
        .s = 1,
        .g = 1,
    };
}

static void msr_add(KVMState *s, struct kvm_msrs *msrs, uint32_t index,
                    uint64_t value, bool must)
{
    if (!must && !g_hash_table_contains(s->msrs, GUINT_TO_POINTER(index))) {
        return;
    }
    assert(msrs->nmsrs < KVM_MAX_RESET_MSRS);
    msrs->entries[msrs->nmsrs].index = index;
    msrs->entries[msrs->nmsrs].data = value;
    msrs->nmsrs++;
}

/*
 * The MSRs a reset sets; KVM's paravirt ones only where KVM has them.
 * With @kernel (a kernel entered without firmware) the MTRRs are set up
 * as firmware would, alike on every vCPU.
 */
static bool kvm_vcpu_put_msrs(KVMCPU *cpu, bool kernel, Error **errp)
{
    KVMState *s = cpu->s;
    struct kvm_msrs *msrs = g_malloc0(
        sizeof(*msrs) + KVM_MAX_RESET_MSRS * sizeof(msrs->entries[0]));
    static const uint32_t zeroed[] = {
        MSR_IA32_SYSENTER_CS,
        MSR_IA32_SYSENTER_ESP,
        MSR_IA32_SYSENTER_EIP,
        MSR_STAR,
        MSR_LSTAR,
        MSR_CSTAR,
        MSR_SYSCALL_MASK,
        MSR_KERNEL_GS_BASE,
    };
    static const uint32_t zeroed_if_listed[] = {
        MSR_TSC_AUX,
        MSR_KVM_WALL_CLOCK,
        MSR_KVM_SYSTEM_TIME,
        MSR_KVM_WALL_CLOCK_NEW,
        MSR_KVM_SYSTEM_TIME_NEW,
        MSR_KVM_ASYNC_PF_EN,
        MSR_KVM_STEAL_TIME,
        MSR_KVM_PV_EOI_EN,
    };
    int ret;

    msr_add(s, msrs, MSR_IA32_TSC, 0, true);
    for (size_t i = 0; i < ARRAY_SIZE(zeroed); i++) {
        msr_add(s, msrs, zeroed[i], 0, true);
    }
    for (size_t i = 0; i < ARRAY_SIZE(zeroed_if_listed); i++) {
        msr_add(s, msrs, zeroed_if_listed[i], 0, false);
    }
    msr_add(s, msrs, MSR_IA32_CR_PAT, PAT_POWER_ON, true);
    msr_add(s, msrs, MSR_IA32_MISC_ENABLE, MISC_ENABLE_FAST_STRING, true);
    msr_add(s, msrs, MSR_MTRR_FIX64K_00000, kernel ? MTRR_FIX_ALL_WB : 0, true);
    msr_add(s, msrs, MSR_MTRR_FIX16K_80000, kernel ? MTRR_FIX_ALL_WB : 0, true);
    msr_add(s, msrs, MSR_MTRR_FIX16K_A0000, MTRR_FIX_ALL_UC, true);
    for (unsigned i = 0; i < MSR_MTRR_FIX4K_COUNT; i++) {
        msr_add(s, msrs, MSR_MTRR_FIX4K_C0000 + i, kernel ? MTRR_FIX_ALL_WB : 0,
                true);
    }
    msr_add(s, msrs, MSR_MTRR_DEF_TYPE, kernel ? MTRR_DEF_TYPE_FIRMWARE : 0,
            true);
    ret = ioctl(cpu->fd, KVM_SET_MSRS, msrs);
    if (ret < 0 || (uint32_t)ret != msrs->nmsrs) {
        error_setg(errp, "kvm: vCPU %d: KVM_SET_MSRS refused MSR 0x%x%s%s",
                   cpu->index,
                   ret < 0 ? msrs->entries[0].index : msrs->entries[ret].index,
                   ret < 0 ? ": " : "", ret < 0 ? strerror(errno) : "");
        g_free(msrs);
        return false;
    }
    g_free(msrs);
    return true;
}

static bool kvm_vcpu_ioctl(KVMCPU *cpu, unsigned long req, void *arg,
                           const char *name, Error **errp)
{
    if (kvm_ioctl_retry(cpu->fd, req, arg) < 0) {
        error_setg_errno(errp, errno, "kvm: vCPU %d: %s", cpu->index, name);
        return false;
    }
    return true;
}

/*
 * Put one vCPU to its reset state (its thread parked or not started): the
 * power-on state KVM gave it, then the boot entry for the BSP.  APs wait
 * for INIT/SIPI from the in-kernel LAPIC.
 */
static bool kvm_vcpu_reset(KVMCPU *cpu, Error **errp)
{
    const MachineBootCPU *boot = &cpu->s->ms->boot_cpu;
    bool bsp = cpu->index == 0;
    bool flat32 = bsp && boot->flat32;
    struct kvm_sregs sregs = cpu->init_sregs;
    struct kvm_fpu fpu = cpu->init_fpu;
    struct kvm_lapic_state lapic = cpu->init_lapic;
    struct kvm_vcpu_events events = cpu->init_events;
    struct kvm_debugregs debugregs = cpu->init_debugregs;
    struct kvm_xcrs xcrs = cpu->init_xcrs;
    struct kvm_regs regs = {
        .rflags = X86_RFLAGS_RESERVED,
        .rip = X86_RESET_RIP,
        .rdx = cpu->cpuid1_eax,
    };
    struct kvm_mp_state mp = {
        .mp_state = bsp ? KVM_MP_STATE_RUNNABLE : KVM_MP_STATE_UNINITIALIZED,
    };

    if (flat32) {
        flat_segment(&sregs.cs, FLAT_CODE_SELECTOR, SEG_TYPE_CODE_RX_ACCESSED);
        flat_segment(&sregs.ds, FLAT_DATA_SELECTOR, SEG_TYPE_DATA_RW_ACCESSED);
        sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
        sregs.cr0 = X86_CR0_PE | X86_CR0_ET;
        sregs.cr3 = sregs.cr4 = sregs.efer = 0;
        regs.rip = boot->eip;
        regs.rax = boot->eax;
        regs.rbx = boot->ebx;
        regs.rsi = boot->esi;
        regs.rdx = 0;
    }
    /* Clear pending NMIs and the interrupt shadow too. */
    events.flags |=
        KVM_VCPUEVENT_VALID_NMI_PENDING | KVM_VCPUEVENT_VALID_SHADOW;
    return kvm_vcpu_ioctl(cpu, KVM_SET_SREGS, &sregs, "KVM_SET_SREGS", errp) &&
           kvm_vcpu_ioctl(cpu, KVM_SET_REGS, &regs, "KVM_SET_REGS", errp) &&
           kvm_vcpu_ioctl(cpu, KVM_SET_FPU, &fpu, "KVM_SET_FPU", errp) &&
           (!cpu->s->has_xcrs ||
            kvm_vcpu_ioctl(cpu, KVM_SET_XCRS, &xcrs, "KVM_SET_XCRS", errp)) &&
           kvm_vcpu_put_msrs(cpu, boot->flat32, errp) &&
           kvm_vcpu_ioctl(cpu, KVM_SET_LAPIC, &lapic, "KVM_SET_LAPIC", errp) &&
           kvm_vcpu_ioctl(cpu, KVM_SET_VCPU_EVENTS, &events,
                          "KVM_SET_VCPU_EVENTS", errp) &&
           kvm_vcpu_ioctl(cpu, KVM_SET_MP_STATE, &mp, "KVM_SET_MP_STATE",
                          errp) &&
           (!cpu->s->has_debugregs ||
            kvm_vcpu_ioctl(cpu, KVM_SET_DEBUGREGS, &debugregs,
                           "KVM_SET_DEBUGREGS", errp));
}

/* ---- Parking: pause, reset and shutdown ---- */

static void kvm_noop_signal(int sig)
{
}

bool kvm_install_kick_handler(Error **errp)
{
    /*
     * SA_RESTART: a kick must not fail a device's blocking write; KVM_RUN
     * itself returns -EINTR, which the kernel never restarts.
     */
    struct sigaction sa = {.sa_handler = kvm_noop_signal,
                           .sa_flags = SA_RESTART};

    sigemptyset(&sa.sa_mask);
    if (sigaction(KVM_SIG_KICK, &sa, NULL) < 0) {
        error_setg_errno(errp, errno, "kvm: sigaction");
        return false;
    }
    return true;
}

/*
 * Make every vCPU thread leave KVM_RUN: immediate_exit covers a thread
 * about to enter it, the signal one inside it.  KVM_RUN with
 * immediate_exit still completes a pending PIO/MMIO read, so a parked
 * vCPU's registers are always consistent.  cpu_mutex held.
 */
static void kvm_kick_all(KVMState *s)
{
    for (int i = 0; i < s->ncpus; i++) {
        KVMCPU *cpu = &s->cpus[i];

        if (cpu->thread_started) {
            __atomic_store_n(&cpu->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
            pthread_kill(cpu->thread, KVM_SIG_KICK);
        }
    }
}

/*
 * Wait (vCPU thread) while the vCPUs are stopped or this one awaits reset.
 * Returns false when the thread must end.
 */
static bool kvm_vcpu_park(KVMCPU *cpu)
{
    KVMState *s = cpu->s;
    bool quit;

    g_mutex_lock(&s->cpu_mutex);
    if ((s->stop || cpu->wait_reset) && !s->quit) {
        cpu->parked = true;
        g_cond_broadcast(&s->cpu_cond);
        while ((s->stop || cpu->wait_reset) && !s->quit) {
            g_cond_wait(&s->cpu_cond, &s->cpu_mutex);
        }
        cpu->parked = false;
    }
    quit = s->quit;
    cpu->run->immediate_exit = quit;
    g_mutex_unlock(&s->cpu_mutex);
    return !quit;
}

/* This vCPU cannot go on until the machine resets (or shuts down). */
static void kvm_vcpu_stop_self(KVMCPU *cpu)
{
    g_mutex_lock(&cpu->s->cpu_mutex);
    cpu->wait_reset = true;
    g_mutex_unlock(&cpu->s->cpu_mutex);
    kvm_vcpu_park(cpu);
}

static bool kvm_all_parked(KVMState *s)
{
    for (int i = 0; i < s->ncpus; i++) {
        if (s->cpus[i].thread_started && !s->cpus[i].parked) {
            return false;
        }
    }
    return true;
}

void kvm_vcpus_pause(KVMState *s)
{
    unsigned depth;

    g_mutex_lock(&s->cpu_mutex);
    s->stop = true;
    kvm_kick_all(s);
    g_mutex_unlock(&s->cpu_mutex);

    /* A vCPU may be waiting for the machine lock to finish an exit. */
    depth = machine_unlock_all(s->ms);
    g_mutex_lock(&s->cpu_mutex);
    while (!kvm_all_parked(s)) {
        g_cond_wait(&s->cpu_cond, &s->cpu_mutex);
    }
    g_mutex_unlock(&s->cpu_mutex);
    machine_relock(s->ms, depth);
}

void kvm_vcpus_resume(KVMState *s)
{
    g_mutex_lock(&s->cpu_mutex);
    s->stop = false;
    g_cond_broadcast(&s->cpu_cond);
    g_mutex_unlock(&s->cpu_mutex);
}

bool kvm_vcpus_reset(KVMState *s, Error **errp)
{
    g_mutex_lock(&s->cpu_mutex);
    for (int i = 0; i < s->ncpus; i++) {
        s->cpus[i].wait_reset = false;
    }
    g_mutex_unlock(&s->cpu_mutex);
    for (int i = 0; i < s->ncpus; i++) {
        if (!kvm_vcpu_reset(&s->cpus[i], errp)) {
            return false;
        }
    }
    return true;
}

/* ---- The exit path ---- */

static const char *kvm_internal_error_name(uint32_t suberror)
{
    switch (suberror) {
    case KVM_INTERNAL_ERROR_EMULATION:
        return "emulation failure";
    case KVM_INTERNAL_ERROR_SIMUL_EX:
        return "exception while delivering an exception";
    case KVM_INTERNAL_ERROR_DELIVERY_EV:
        return "cannot deliver an event";
    default:
        return "internal error";
    }
}

/*
 * The bytes at the failing instruction, as text: what KVM reports with an
 * emulation failure, or else what guest RAM holds at CS:RIP when paging is
 * off (RAM only: reading an I/O region could have side effects).
 */
static void kvm_append_insn_bytes(KVMCPU *cpu, const struct kvm_sregs *sr,
                                  uint64_t rip, GString *out)
{
    struct kvm_run *run = cpu->run;
    MachineState *ms = cpu->s->ms;
    uint8_t bytes[KVM_INSN_BYTES_MAX];
    uint64_t len = 0;

    if (run->exit_reason == KVM_EXIT_INTERNAL_ERROR &&
        run->emulation_failure.suberror == KVM_INTERNAL_ERROR_EMULATION &&
        (run->emulation_failure.flags &
         KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES)) {
        len = MIN(run->emulation_failure.insn_size, sizeof(bytes));
        memcpy(bytes, run->emulation_failure.insn_bytes, len);
    } else if (!(sr->cr0 & X86_CR0_PG)) {
        machine_lock(ms);
        if (dma_memory_read(ms->as_memory, sr->cs.base + rip, bytes,
                            sizeof(bytes)) == MEMTX_OK) {
            len = sizeof(bytes);
        }
        machine_unlock(ms);
    }
    if (len) {
        g_string_append(out, " code=");
    }
    for (uint64_t i = 0; i < len; i++) {
        g_string_append_printf(out, "%02x", bytes[i]);
    }
}

/*
 * The vCPU cannot go on: one line with what happened and the registers,
 * then the machine shuts down with status 1 (main exits).
 */
static void KEMU_PRINTF(2, 3) kvm_vcpu_fail(KVMCPU *cpu, const char *fmt, ...)
{
    g_autoptr(GString) msg = g_string_new(NULL);
    struct kvm_regs r;
    struct kvm_sregs sr;
    va_list ap;

    va_start(ap, fmt);
    g_string_append_vprintf(msg, fmt, ap);
    va_end(ap);
    g_string_append_printf(msg, " on vCPU %d", cpu->index);
    if (ioctl(cpu->fd, KVM_GET_REGS, &r) == 0 &&
        ioctl(cpu->fd, KVM_GET_SREGS, &sr) == 0) {
        g_string_append_printf(
            msg,
            ": rip=%llx cs=%04x(base %llx) rsp=%llx rflags=%llx rax=%llx "
            "rbx=%llx rcx=%llx rdx=%llx rsi=%llx rdi=%llx rbp=%llx "
            "cr0=%llx cr2=%llx cr3=%llx cr4=%llx efer=%llx",
            r.rip, sr.cs.selector, sr.cs.base, r.rsp, r.rflags, r.rax, r.rbx,
            r.rcx, r.rdx, r.rsi, r.rdi, r.rbp, sr.cr0, sr.cr2, sr.cr3, sr.cr4,
            sr.efer);
        kvm_append_insn_bytes(cpu, &sr, r.rip, msg);
    }
    error_report("%s", msg->str);
    machine_request_shutdown(cpu->s->ms, 1, "host-error", false);
    kvm_vcpu_stop_self(cpu);
}

static void kvm_handle_io(KVMCPU *cpu)
{
    struct kvm_run *run = cpu->run;
    MachineState *ms = cpu->s->ms;
    unsigned size = run->io.size;
    uint64_t offset = run->io.data_offset;
    uint64_t bytes = (uint64_t)run->io.count * size;
    bool is_write = run->io.direction == KVM_EXIT_IO_OUT;
    uint8_t *data;

    if ((size != 1 && size != 2 && size != 4) ||
        offset > (uint64_t)cpu->s->run_size ||
        bytes > cpu->s->run_size - offset) {
        kvm_vcpu_fail(cpu, "malformed KVM_EXIT_IO (port 0x%x, %u x %u bytes)",
                      run->io.port, run->io.count, size);
        return;
    }
    data = (uint8_t *)run + offset;
    machine_lock(ms);
    /* The guest's buffered writes happened before this access. */
    kvm_flush_coalesced_mmio(cpu->s);
    for (uint32_t i = 0; i < run->io.count; i++, data += size) {
        uint64_t val = 0;

        if (is_write) {
            memcpy(&val, data, size);
        }
        address_space_dispatch_io(ms->as_io, run->io.port, &val, size,
                                  is_write);
        if (!is_write) {
            memcpy(data, &val, size);
        }
    }
    machine_unlock(ms);
}

static void kvm_handle_mmio(KVMCPU *cpu)
{
    struct kvm_run *run = cpu->run;
    MachineState *ms = cpu->s->ms;
    unsigned len = run->mmio.len;
    uint64_t val = 0;

    if (len == 0 || len > sizeof(run->mmio.data)) {
        kvm_vcpu_fail(cpu, "malformed KVM_EXIT_MMIO (0x%llx, %u bytes)",
                      run->mmio.phys_addr, len);
        return;
    }
    machine_lock(ms);
    kvm_flush_coalesced_mmio(cpu->s);
    if (len & (len - 1)) {
        /* A piece of a split access (3, 5, 6 or 7 bytes): rare. */
        address_space_rw(ms->as_memory, run->mmio.phys_addr, run->mmio.data,
                         len, run->mmio.is_write);
    } else if (run->mmio.is_write) {
        memcpy(&val, run->mmio.data, len);
        address_space_dispatch_io(ms->as_memory, run->mmio.phys_addr, &val, len,
                                  true);
    } else {
        address_space_dispatch_io(ms->as_memory, run->mmio.phys_addr, &val, len,
                                  false);
        memcpy(run->mmio.data, &val, len);
    }
    machine_unlock(ms);
}

static void kvm_handle_system_event(KVMCPU *cpu)
{
    MachineState *ms = cpu->s->ms;

    switch (cpu->run->system_event.type) {
    case KVM_SYSTEM_EVENT_SHUTDOWN:
        machine_request_shutdown(ms, 0, "guest-shutdown", true);
        kvm_vcpu_stop_self(cpu);
        break;
    case KVM_SYSTEM_EVENT_RESET:
        machine_request_reset(ms, "guest-reset", true);
        kvm_vcpu_stop_self(cpu);
        break;
    default:
        kvm_vcpu_fail(cpu, "guest crash (KVM system event %u)",
                      cpu->run->system_event.type);
        break;
    }
}

static void kvm_vcpu_handle_exit(KVMCPU *cpu)
{
    struct kvm_run *run = cpu->run;

    switch (run->exit_reason) {
    case KVM_EXIT_IO:
        kvm_handle_io(cpu);
        break;
    case KVM_EXIT_MMIO:
        kvm_handle_mmio(cpu);
        break;
    case KVM_EXIT_HLT:
        /* Only without an in-kernel LAPIC, which kemu always has. */
    case KVM_EXIT_IRQ_WINDOW_OPEN:
    case KVM_EXIT_INTR:
        break;
    case KVM_EXIT_SHUTDOWN:
        /* A triple fault: the PC resets (or powers off under -no-reboot). */
        machine_request_reset(cpu->s->ms, "guest-reset", true);
        kvm_vcpu_stop_self(cpu);
        break;
    case KVM_EXIT_SYSTEM_EVENT:
        kvm_handle_system_event(cpu);
        break;
    case KVM_EXIT_FAIL_ENTRY:
        kvm_vcpu_fail(cpu, "KVM entry failed (hardware reason 0x%llx)",
                      run->fail_entry.hardware_entry_failure_reason);
        break;
    case KVM_EXIT_INTERNAL_ERROR:
        kvm_vcpu_fail(cpu, "KVM internal error %u (%s)", run->internal.suberror,
                      kvm_internal_error_name(run->internal.suberror));
        break;
    default:
        kvm_vcpu_fail(cpu, "unexpected KVM exit reason %u", run->exit_reason);
        break;
    }
}

static void *kvm_vcpu_thread(void *opaque)
{
    KVMCPU *cpu = opaque;
    bool running = kvm_vcpu_park(cpu);

    while (running) {
        if (ioctl(cpu->fd, KVM_RUN, 0) == 0) {
            kvm_vcpu_handle_exit(cpu);
        } else if (errno == EINTR || errno == EAGAIN) {
            running = kvm_vcpu_park(cpu);
        } else {
            kvm_vcpu_fail(cpu, "KVM_RUN failed: %s", strerror(errno));
        }
    }
    return NULL;
}

/* ---- Creation and destruction ---- */

static bool kvm_vcpu_init(KVMState *s, KVMCPU *cpu, Error **errp)
{
    g_autofree struct kvm_cpuid2 *cpuid = NULL;

    cpu->fd = ioctl(s->vmfd, KVM_CREATE_VCPU, (unsigned long)cpu->index);
    if (cpu->fd < 0) {
        error_setg_errno(errp, errno, "kvm: KVM_CREATE_VCPU %d", cpu->index);
        return false;
    }
    cpu->run =
        mmap(NULL, s->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, cpu->fd, 0);
    if (cpu->run == MAP_FAILED) {
        cpu->run = NULL;
        error_setg_errno(errp, errno, "kvm: vCPU %d: mmap of kvm_run",
                         cpu->index);
        return false;
    }
    if (s->coalesced_page && !s->coalesced_ring) {
        s->coalesced_ring =
            (void *)((uint8_t *)cpu->run + s->coalesced_page * getpagesize());
    }
    cpuid = kvm_vcpu_cpuid(s, cpu);
    if (!kvm_vcpu_ioctl(cpu, KVM_SET_CPUID2, cpuid, "KVM_SET_CPUID2", errp)) {
        return false;
    }
    /* KVM creates a vCPU in its power-on state: keep it for resets. */
    return kvm_vcpu_ioctl(cpu, KVM_GET_SREGS, &cpu->init_sregs, "KVM_GET_SREGS",
                          errp) &&
           kvm_vcpu_ioctl(cpu, KVM_GET_FPU, &cpu->init_fpu, "KVM_GET_FPU",
                          errp) &&
           kvm_vcpu_ioctl(cpu, KVM_GET_LAPIC, &cpu->init_lapic, "KVM_GET_LAPIC",
                          errp) &&
           kvm_vcpu_ioctl(cpu, KVM_GET_VCPU_EVENTS, &cpu->init_events,
                          "KVM_GET_VCPU_EVENTS", errp) &&
           (!s->has_xcrs || kvm_vcpu_ioctl(cpu, KVM_GET_XCRS, &cpu->init_xcrs,
                                           "KVM_GET_XCRS", errp)) &&
           (!s->has_debugregs ||
            kvm_vcpu_ioctl(cpu, KVM_GET_DEBUGREGS, &cpu->init_debugregs,
                           "KVM_GET_DEBUGREGS", errp));
}

static bool kvm_vcpu_start_thread(KVMCPU *cpu, Error **errp)
{
    static const int sync_signals[] = {SIGSEGV, SIGBUS,  SIGILL,
                                       SIGFPE,  SIGABRT, SIGTRAP};
    char name[16];
    sigset_t all, old;
    int ret;

    /* vCPU threads take only the kick; the main thread gets the rest. */
    sigfillset(&all);
    sigdelset(&all, KVM_SIG_KICK);
    for (size_t i = 0; i < ARRAY_SIZE(sync_signals); i++) {
        sigdelset(&all, sync_signals[i]);
    }
    pthread_sigmask(SIG_SETMASK, &all, &old);
    ret = pthread_create(&cpu->thread, NULL, kvm_vcpu_thread, cpu);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (ret) {
        error_setg_errno(errp, ret, "kvm: vCPU %d thread", cpu->index);
        return false;
    }
    snprintf(name, sizeof(name), "CPU %d/KVM", cpu->index);
    pthread_setname_np(cpu->thread, name);
    cpu->thread_started = true;
    return true;
}

bool kvm_vcpus_create(KVMState *s, Error **errp)
{
    if (!kvm_compute_guest_cpuid(s, errp)) {
        return false;
    }
    s->ncpus = s->ms->smp_cpus;
    s->cpus = g_new0(KVMCPU, s->ncpus);
    for (int i = 0; i < s->ncpus; i++) {
        s->cpus[i].s = s;
        s->cpus[i].index = i;
        s->cpus[i].fd = -1;
    }
    for (int i = 0; i < s->ncpus; i++) {
        if (!kvm_vcpu_init(s, &s->cpus[i], errp)) {
            return false;
        }
    }
    for (int i = 0; i < s->ncpus; i++) {
        if (!kvm_vcpu_start_thread(&s->cpus[i], errp)) {
            return false;
        }
    }
    return true;
}

void kvm_vcpus_destroy(KVMState *s)
{
    unsigned depth;

    g_mutex_lock(&s->cpu_mutex);
    s->quit = true;
    kvm_kick_all(s);
    g_cond_broadcast(&s->cpu_cond);
    g_mutex_unlock(&s->cpu_mutex);

    depth = machine_unlock_all(s->ms);
    for (int i = 0; i < s->ncpus; i++) {
        if (s->cpus[i].thread_started) {
            pthread_join(s->cpus[i].thread, NULL);
        }
    }
    machine_relock(s->ms, depth);
    /* The ring lives in vCPU 0's mapping: empty it before that goes. */
    kvm_flush_coalesced_mmio(s);
    s->coalesced_ring = NULL;
    for (int i = 0; i < s->ncpus; i++) {
        if (s->cpus[i].run) {
            munmap(s->cpus[i].run, s->run_size);
        }
        if (s->cpus[i].fd >= 0) {
            close(s->cpus[i].fd);
        }
    }
    g_free(s->cpus);
    s->cpus = NULL;
    s->ncpus = 0;
    if (s->guest_cpuid) {
        g_array_free(s->guest_cpuid, true);
        s->guest_cpuid = NULL;
    }
}
