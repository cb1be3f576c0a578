/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * State shared by the two halves of the KVM accelerator: kvm-all.c (the VM:
 * memslots, in-kernel irqchip and PIT, GSI routing, ioeventfd/irqfd) and
 * kvm-cpu.c (vCPUs: CPUID, MSRs, reset state, the threads and their exit
 * dispatch).  Private to accel/kvm/.
 */
#ifndef KEMU_ACCEL_KVM_INTERNAL_H
#define KEMU_ACCEL_KVM_INTERNAL_H

#include "hw/core/machine.h"
#include "exec/memory.h"
#include <linux/kvm.h>
#include <pthread.h>

/*
 * Where QEMU puts KVM's private pages; the pc board reserves the same four
 * pages in its memory map (PC_HYPERVISOR_RESERVED_ADDR in hw/i386/pc.h).
 */
#define KVM_IDENTITY_MAP_ADDR 0xfeffc000ULL
#define KVM_TSS_ADDR          (KVM_IDENTITY_MAP_ADDR + 0x1000)

/* The signal that kicks a vCPU thread out of KVM_RUN (a no-op handler). */
#define KVM_SIG_KICK SIGUSR1

/* The IOAPIC's pins and the first GSI handed out for MSI routes. */
#define KVM_IOAPIC_PINS 24

typedef struct KVMState KVMState;

/* A memslot: one page-aligned RAM or ROM range of the FlatView. */
typedef struct KVMSlot {
    bool used;
    uint64_t gpa;
    uint64_t size;
    void *host;
    uint32_t flags;
} KVMSlot;

typedef struct KVMCPU {
    KVMState *s;
    int index; /* the vCPU id, which is also its APIC ID */
    int fd;
    struct kvm_run *run;
    pthread_t thread;
    bool thread_started;

    /* Under s->cpu_mutex. */
    bool parked;     /* outside KVM_RUN, waiting in kvm_vcpu_park() */
    bool wait_reset; /* stopped itself (triple fault, error) until reset */

    /* Power-on state read right after KVM_CREATE_VCPU, put back at reset. */
    struct kvm_sregs init_sregs;
    struct kvm_fpu init_fpu;
    struct kvm_lapic_state init_lapic;
    struct kvm_vcpu_events init_events;
    struct kvm_debugregs init_debugregs;
    struct kvm_xcrs init_xcrs;
    uint32_t cpuid1_eax; /* family/model/stepping: EDX at reset */
} KVMCPU;

struct KVMState {
    MachineState *ms;
    int fd; /* /dev/kvm */
    int vmfd;
    int run_size;
    bool has_xcrs;
    bool has_debugregs;

    /* Memslots and MMIO ioeventfds following ms->as_memory. */
    MemoryListener listener;
    /* PIO ioeventfds following ms->as_io. */
    MemoryListener io_listener;
    GArray *slots; /* KVMSlot, indexed by slot number */
    unsigned max_slots;

    /*
     * The coalesced MMIO ring (KVM_CAP_COALESCED_MMIO), a page of every
     * vCPU's mmap: NULL without one or before vCPU 0 is mapped.  Drained
     * under the machine lock (kvm_flush_coalesced_mmio).
     */
    struct kvm_coalesced_mmio_ring *coalesced_ring;
    int coalesced_page;      /* its page in the vCPU mmap; 0: none */
    unsigned coalesced_max;  /* entries in the ring */
    bool coalesced_flushing; /* a drain is under way (re-entry guard) */

    /* GSI routing: the pc's ISA/IOAPIC routes, then MSI routes. */
    struct kvm_irq_routing_entry *routes;
    unsigned nr_routes;
    unsigned max_gsi;
    GHashTable *msi_gsis; /* GSI (as pointer) -> present */

    /* In-kernel PIC, IOAPIC and PIT as they are after a power-on. */
    struct kvm_irqchip init_chips[3];
    struct kvm_pit_state2 init_pit;
    bool has_pit; /* the board's kvm-pit created it */

    /* What KVM_GET_SUPPORTED_CPUID and KVM_GET_MSR_INDEX_LIST said. */
    struct kvm_cpuid2 *supported_cpuid;
    GHashTable *msrs; /* MSR index (as pointer) -> present */
    /* The -cpu model's CPUID (X86CPUIDEntry), before per-vCPU values. */
    GArray *guest_cpuid;

    /* vCPUs and their threads. */
    KVMCPU *cpus;
    int ncpus;
    GMutex cpu_mutex;
    GCond cpu_cond;
    bool stop; /* under cpu_mutex: vCPUs must park */
    bool quit; /* under cpu_mutex: vCPU threads must end */
};

static inline KVMState *kvm_state(MachineState *ms)
{
    return ms->accel_state;
}

/* kvm-all.c */
/** kvm_ioctl_retry - ioctl() repeated while it fails with EINTR/EAGAIN. */
int kvm_ioctl_retry(int fd, unsigned long request, void *arg);
/** kvm_check_extension - KVM_CHECK_EXTENSION on /dev/kvm (0 if absent). */
int kvm_check_extension(KVMState *s, unsigned cap);
/**
 * kvm_flush_coalesced_mmio - deliver the writes buffered in the coalesced
 * MMIO ring to their devices, oldest first.  Machine lock held.  The vCPU
 * threads call it before they handle any PIO/MMIO exit; the memory core
 * (qemu_flush_coalesced_mmio_buffer) before an access to a coalesced
 * region and before the map changes; pause after the vCPUs stopped.
 */
void kvm_flush_coalesced_mmio(KVMState *s);

/* kvm-cpu.c */
/** kvm_vcpus_create - create the vCPUs and their (parked) threads. */
bool kvm_vcpus_create(KVMState *s, Error **errp);
/** kvm_vcpus_reset - put every vCPU to its reset state (all parked). */
bool kvm_vcpus_reset(KVMState *s, Error **errp);
/** kvm_vcpus_pause - park every vCPU thread (main thread). */
void kvm_vcpus_pause(KVMState *s);
/** kvm_vcpus_resume - let the vCPU threads run. */
void kvm_vcpus_resume(KVMState *s);
/** kvm_vcpus_destroy - end and join the threads, close the vCPUs. */
void kvm_vcpus_destroy(KVMState *s);
/** kvm_install_kick_handler - the no-op KVM_SIG_KICK handler. */
bool kvm_install_kick_handler(Error **errp);

#endif
