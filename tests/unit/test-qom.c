/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QOM unit tests: inheritance and class init order, casts (and the failing
 * cast's message), interfaces, properties set from strings with every error
 * path, reference counting and finalize order, the object tree, and a walk
 * that instantiates every registered non-abstract type.
 */
#include "util/osdep.h"
#include <sys/wait.h>
#include "qom/object.h"
#include "hw/core/qdev.h"
#include "hw/core/qdev-properties.h"
#include "tests/unit/unit.h"

/* ---- Test types: animal <- dog <- puppy, and the "barker" interface ---- */

#define TYPE_TEST_ANIMAL "test-animal"
#define TYPE_TEST_DOG    "test-dog"
#define TYPE_TEST_PUPPY  "test-puppy"
#define TYPE_TEST_CAT    "test-cat"
#define TYPE_TEST_BARKER "test-barker"

typedef struct TestLog {
    char buf[256];
} TestLog;

/* Each test resets it; types append to it as they init and finalize. */
static TestLog test_log;

static void log_event(const char *what)
{
    g_strlcat(test_log.buf, what, sizeof(test_log.buf));
    g_strlcat(test_log.buf, " ", sizeof(test_log.buf));
}

OBJECT_DECLARE_TYPE(TestAnimal, TestAnimalClass, TEST_ANIMAL)

struct TestAnimalClass {
    ObjectClass parent_class;
    int legs;
    const char *(*sound)(TestAnimal *a);
};

struct TestAnimal {
    Object parent_obj;
    int age;
};

OBJECT_DECLARE_SIMPLE_TYPE(TestDog, TEST_DOG)

struct TestDog {
    TestAnimal parent_obj;
    uint32_t tricks;
    Object *friend;
};

typedef struct TestBarkerClass {
    InterfaceClass parent_class;
    int (*bark_volume)(Object *obj);
} TestBarkerClass;

static const char *animal_sound(TestAnimal *a)
{
    return "...";
}

static const char *dog_sound(TestAnimal *a)
{
    return "woof";
}

static int dog_bark_volume(Object *obj)
{
    return 7;
}

static void animal_class_init(ObjectClass *oc, void *data)
{
    TestAnimalClass *ac = TEST_ANIMAL_CLASS(oc);

    ac->legs = 4;
    ac->sound = animal_sound;
}

static void dog_class_init(ObjectClass *oc, void *data)
{
    TestBarkerClass *bc =
        (TestBarkerClass *)object_class_dynamic_cast(oc, TYPE_TEST_BARKER);

    TEST_ANIMAL_CLASS(oc)->sound = dog_sound;
    bc->bark_volume = dog_bark_volume;
}

static void animal_init(Object *obj)
{
    log_event("animal_init");
    TEST_ANIMAL(obj)->age = 1;
}

static void animal_finalize(Object *obj)
{
    log_event("animal_finalize");
}

static void dog_init(Object *obj)
{
    TestDog *d = TEST_DOG(obj);

    log_event("dog_init");
    object_property_add_uint32_ptr(obj, "tricks", &d->tricks);
    object_property_add_link(obj, "friend", TYPE_TEST_ANIMAL, &d->friend,
                             OBJ_PROP_LINK_STRONG);
}

static void dog_finalize(Object *obj)
{
    log_event("dog_finalize");
}

static void puppy_init(Object *obj)
{
    log_event("puppy_init");
}

static void puppy_finalize(Object *obj)
{
    log_event("puppy_finalize");
}

/* ---- A test device with a property table ---- */

#define TYPE_TEST_DEV "test-qdev"
OBJECT_DECLARE_SIMPLE_TYPE(TestDev, TEST_DEV)

struct TestDev {
    DeviceState parent_obj;
    bool flag;
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    int32_t i32;
    uint64_t size;
    char *str;
    MACAddr mac;
    int realized_count;
    int reset_count;
    bool fail_realize;
};

static void test_dev_realize(DeviceState *dev, Error **errp)
{
    TestDev *t = TEST_DEV(dev);

    if (t->fail_realize) {
        error_setg(errp, "test-qdev: realize refused");
        return;
    }
    t->realized_count++;
}

static void test_dev_reset(DeviceState *dev)
{
    TEST_DEV(dev)->reset_count++;
}

static const Property test_dev_props[] = {
    DEFINE_PROP_BOOL("flag", TestDev, flag, true),
    DEFINE_PROP_UINT8("u8", TestDev, u8, 8),
    DEFINE_PROP_UINT16("u16", TestDev, u16, 16),
    DEFINE_PROP_UINT32("u32", TestDev, u32, 32),
    DEFINE_PROP_UINT64("u64", TestDev, u64, 64),
    DEFINE_PROP_INT32("i32", TestDev, i32, -1),
    DEFINE_PROP_SIZE("size", TestDev, size, 4096),
    DEFINE_PROP_STRING("str", TestDev, str),
    DEFINE_PROP_MACADDR("mac", TestDev, mac),
    DEFINE_PROP_BOOL("fail-realize", TestDev, fail_realize, false),
    DEFINE_PROP_END_OF_LIST(),
};

static void test_dev_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = test_dev_realize;
    dc->reset = test_dev_reset;
    dc->desc = "unit-test device";
    dc->categories = 1ul << DEVICE_CATEGORY_MISC;
    dc->user_creatable = true;
    device_class_set_props(dc, test_dev_props);
}

static const TypeInfo test_qom_types[] = {
    {
        .name = TYPE_TEST_BARKER,
        .parent = TYPE_INTERFACE,
        .class_size = sizeof(TestBarkerClass),
    },
    {
        .name = TYPE_TEST_ANIMAL,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(TestAnimal),
        .instance_init = animal_init,
        .instance_finalize = animal_finalize,
        .class_size = sizeof(TestAnimalClass),
        .class_init = animal_class_init,
        .abstract = true,
    },
    {
        .name = TYPE_TEST_DOG,
        .parent = TYPE_TEST_ANIMAL,
        .instance_size = sizeof(TestDog),
        .instance_init = dog_init,
        .instance_finalize = dog_finalize,
        .class_init = dog_class_init,
        .interfaces = (InterfaceInfo[]){{TYPE_TEST_BARKER}, {NULL}},
    },
    {
        .name = TYPE_TEST_PUPPY,
        .parent = TYPE_TEST_DOG,
        .instance_init = puppy_init,
        .instance_finalize = puppy_finalize,
    },
    {
        .name = TYPE_TEST_CAT,
        .parent = TYPE_TEST_ANIMAL,
        .instance_size = sizeof(TestAnimal),
    },
    {
        .name = TYPE_TEST_DEV,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(TestDev),
        .class_init = test_dev_class_init,
    },
};

DEFINE_TYPES(test_qom_types)

/* ---- Helpers ---- */

/* Run fn in a child; return its wait status.  stderr goes to errbuf. */
static int run_in_child(void (*fn)(void), char *errbuf, size_t len)
{
    int pipefd[2];
    pid_t pid;
    int status = 0;
    ssize_t n, total = 0;

    CU_ASSERT_FATAL(pipe(pipefd) == 0);
    pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        dup2(pipefd[1], STDERR_FILENO);
        close(pipefd[0]);
        fn();
        _exit(0);
    }
    close(pipefd[1]);
    while ((n = read(pipefd[0], errbuf + total, len - 1 - total)) > 0) {
        total += n;
    }
    errbuf[total] = 0;
    close(pipefd[0]);
    waitpid(pid, &status, 0);
    return status;
}

/* ---- Tests ---- */

static void test_class_inheritance(void)
{
    TestAnimalClass *dog =
        TEST_ANIMAL_CLASS(object_class_by_name(TYPE_TEST_DOG));
    TestAnimalClass *cat =
        TEST_ANIMAL_CLASS(object_class_by_name(TYPE_TEST_CAT));
    TestAnimalClass *puppy =
        TEST_ANIMAL_CLASS(object_class_by_name(TYPE_TEST_PUPPY));

    /* Parent class copied in, then the child's class_init overrides. */
    CU_ASSERT_EQUAL(cat->legs, 4);
    CU_ASSERT_STRING_EQUAL(cat->sound(NULL), "...");
    CU_ASSERT_EQUAL(dog->legs, 4);
    CU_ASSERT_STRING_EQUAL(dog->sound(NULL), "woof");
    CU_ASSERT_STRING_EQUAL(puppy->sound(NULL), "woof");
    CU_ASSERT_PTR_EQUAL(object_class_get_parent(OBJECT_CLASS(puppy)),
                        OBJECT_CLASS(dog));
    CU_ASSERT_TRUE(
        object_class_is_abstract(object_class_by_name(TYPE_TEST_ANIMAL)));
    CU_ASSERT_PTR_NULL(object_class_by_name("no-such-type"));
}

static void test_init_finalize_order(void)
{
    Object *obj;

    test_log.buf[0] = 0;
    obj = object_new(TYPE_TEST_PUPPY);
    CU_ASSERT_STRING_EQUAL(test_log.buf, "animal_init dog_init puppy_init ");
    CU_ASSERT_EQUAL(TEST_ANIMAL(obj)->age, 1);
    test_log.buf[0] = 0;
    object_unref(obj);
    CU_ASSERT_STRING_EQUAL(test_log.buf,
                           "puppy_finalize dog_finalize animal_finalize ");
}

static void test_casts(void)
{
    Object *puppy = object_new(TYPE_TEST_PUPPY);
    Object *cat = object_new(TYPE_TEST_CAT);

    CU_ASSERT_PTR_EQUAL(object_dynamic_cast(puppy, TYPE_TEST_DOG), puppy);
    CU_ASSERT_PTR_EQUAL(object_dynamic_cast(puppy, TYPE_TEST_ANIMAL), puppy);
    CU_ASSERT_PTR_EQUAL(object_dynamic_cast(puppy, TYPE_OBJECT), puppy);
    CU_ASSERT_PTR_NULL(object_dynamic_cast(cat, TYPE_TEST_DOG));
    CU_ASSERT_PTR_NULL(object_dynamic_cast(cat, "no-such-type"));
    CU_ASSERT_PTR_EQUAL(TEST_DOG(puppy), (TestDog *)puppy);
    CU_ASSERT_PTR_NULL(object_dynamic_cast(NULL, TYPE_TEST_DOG));
    object_unref(puppy);
    object_unref(cat);
}

static void bad_cast_child(void)
{
    Object *cat = object_new(TYPE_TEST_CAT);

    TEST_DOG(cat)->tricks = 1; /* must abort before the store */
}

static void test_failing_cast_aborts(void)
{
    char err[1024];
    int status = run_in_child(bad_cast_child, err, sizeof(err));

    CU_ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "of type 'test-cat' is not an "
                                       "instance of 'test-dog'"));
}

static void test_interfaces(void)
{
    Object *dog = object_new(TYPE_TEST_DOG);
    Object *puppy = object_new(TYPE_TEST_PUPPY);
    Object *cat = object_new(TYPE_TEST_CAT);
    TestBarkerClass *bc;

    CU_ASSERT_PTR_EQUAL(object_dynamic_cast(dog, TYPE_TEST_BARKER), dog);
    /* Inherited by the subclass. */
    CU_ASSERT_PTR_EQUAL(object_dynamic_cast(puppy, TYPE_TEST_BARKER), puppy);
    CU_ASSERT_PTR_NULL(object_dynamic_cast(cat, TYPE_TEST_BARKER));
    bc = (TestBarkerClass *)object_class_dynamic_cast(object_get_class(puppy),
                                                      TYPE_TEST_BARKER);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bc);
    CU_ASSERT_EQUAL(bc->bark_volume(puppy), 7);
    CU_ASSERT_PTR_EQUAL(bc->parent_class.concrete_class,
                        object_get_class(puppy));
    object_unref(dog);
    object_unref(puppy);
    object_unref(cat);
}

static void test_new_errors(void)
{
    Error *err = NULL;

    CU_ASSERT_PTR_NULL(object_new_with_err("no-such-type", &err));
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT_STRING_EQUAL(error_get_pretty(err), "unknown type "
                                                  "'no-such-type'");
    error_free(err);
    err = NULL;
    CU_ASSERT_PTR_NULL(object_new_with_err(TYPE_TEST_ANIMAL, &err));
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT_STRING_EQUAL(error_get_pretty(err),
                           "type 'test-animal' is abstract and cannot be "
                           "created");
    error_free(err);
}

static void test_refcount(void)
{
    Object *obj = object_new(TYPE_TEST_DOG);

    CU_ASSERT_EQUAL(object_get_refcount(obj), 1);
    object_ref(obj);
    CU_ASSERT_EQUAL(object_get_refcount(obj), 2);
    test_log.buf[0] = 0;
    object_unref(obj);
    CU_ASSERT_STRING_EQUAL(test_log.buf, "");
    object_unref(obj);
    CU_ASSERT_STRING_EQUAL(test_log.buf, "dog_finalize animal_finalize ");
}

static void test_tree_and_links(void)
{
    Object *root = object_new(TYPE_CONTAINER);
    Object *machine = container_get(root, "/machine/peripheral");
    Object *dog = object_new(TYPE_TEST_DOG);
    Object *cat = object_new(TYPE_TEST_CAT);
    Error *err = NULL;
    g_autofree char *path = NULL;
    g_autofree char *link = NULL;

    object_property_add_child(machine, "rex", dog);
    object_property_add_child(machine, "tom", cat);
    path = object_get_canonical_path(dog);
    CU_ASSERT_STRING_EQUAL(path, "/machine/peripheral/rex");
    CU_ASSERT_PTR_EQUAL(object_resolve_path(root, "/machine/peripheral/tom"),
                        cat);
    CU_ASSERT_PTR_EQUAL(object_resolve_path(root, "tom"), cat);
    CU_ASSERT_PTR_EQUAL(object_resolve_path(root, "peripheral/rex"), dog);
    CU_ASSERT_PTR_NULL(object_resolve_path(root, "/machine/nobody"));

    /* A link set by path holds a reference to its target. */
    CU_ASSERT_TRUE(
        object_property_parse(dog, "friend", "/machine/peripheral/tom", &err));
    CU_ASSERT_PTR_NULL(err);
    CU_ASSERT_PTR_EQUAL(TEST_DOG(dog)->friend, cat);
    CU_ASSERT_EQUAL(object_get_refcount(cat), 3);
    link = object_property_print(dog, "friend", NULL);
    CU_ASSERT_STRING_EQUAL(link, "/machine/peripheral/tom");
    CU_ASSERT_PTR_EQUAL(
        object_resolve_path(root, "/machine/peripheral/rex/friend"), cat);
    /* A link to the wrong type or to nothing is refused. */
    CU_ASSERT_FALSE(object_property_parse(dog, "friend", "/machine", &err));
    CU_ASSERT_PTR_NOT_NULL(err);
    CU_ASSERT_PTR_NOT_NULL(strstr(error_get_pretty(err), "expected a "
                                                         "'test-animal'"));
    error_free(err);
    err = NULL;
    CU_ASSERT_FALSE(object_property_parse(dog, "friend", "/nowhere", &err));
    CU_ASSERT_PTR_NOT_NULL(strstr(error_get_pretty(err), "no object at path "
                                                         "'/nowhere'"));
    error_free(err);

    object_unref(dog);
    object_unref(cat);
    /* Dropping the root releases the whole tree: children, then links. */
    test_log.buf[0] = 0;
    object_unref(root);
    CU_ASSERT_PTR_NOT_NULL(strstr(test_log.buf, "dog_finalize"));
    CU_ASSERT_PTR_NOT_NULL(strstr(test_log.buf, "animal_finalize"));
}

static void test_unparent(void)
{
    Object *root = object_new(TYPE_CONTAINER);
    Object *dog = object_new(TYPE_TEST_DOG);

    object_property_add_child(root, "rex", dog);
    object_unref(dog);
    test_log.buf[0] = 0;
    object_unparent(dog);
    CU_ASSERT_STRING_EQUAL(test_log.buf, "dog_finalize animal_finalize ");
    CU_ASSERT_PTR_NULL(object_resolve_path(root, "/rex"));
    object_unref(root);
}

static void expect_parse_error(Object *obj, const char *name, const char *value,
                               const char *msg)
{
    Error *err = NULL;

    CU_ASSERT_FALSE(object_property_parse(obj, name, value, &err));
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    if (strcmp(error_get_pretty(err), msg)) {
        fprintf(stderr, "\n  got:  %s\n  want: %s\n", error_get_pretty(err),
                msg);
    }
    CU_ASSERT_STRING_EQUAL(error_get_pretty(err), msg);
    error_free(err);
}

static void test_qdev_props_defaults_and_parse(void)
{
    DeviceState *dev = qdev_new(TYPE_TEST_DEV);
    TestDev *t = TEST_DEV(dev);
    Object *obj = OBJECT(dev);
    g_autofree char *mac = NULL;

    CU_ASSERT_TRUE(t->flag);
    CU_ASSERT_EQUAL(t->u8, 8);
    CU_ASSERT_EQUAL(t->u16, 16);
    CU_ASSERT_EQUAL(t->u32, 32);
    CU_ASSERT_EQUAL(t->u64, 64);
    CU_ASSERT_EQUAL(t->i32, -1);
    CU_ASSERT_EQUAL(t->size, 4096);
    CU_ASSERT_PTR_NULL(t->str);

    CU_ASSERT_TRUE(object_property_parse(obj, "flag", "off", NULL));
    CU_ASSERT_FALSE(t->flag);
    CU_ASSERT_TRUE(object_property_parse(obj, "flag", "yes", NULL));
    CU_ASSERT_TRUE(t->flag);
    CU_ASSERT_TRUE(object_property_parse(obj, "u8", "255", NULL));
    CU_ASSERT_EQUAL(t->u8, 255);
    CU_ASSERT_TRUE(object_property_parse(obj, "u16", "0x1234", NULL));
    CU_ASSERT_EQUAL(t->u16, 0x1234);
    CU_ASSERT_TRUE(object_property_parse(obj, "u32", "4294967295", NULL));
    CU_ASSERT_EQUAL(t->u32, UINT32_MAX);
    CU_ASSERT_TRUE(
        object_property_parse(obj, "u64", "18446744073709551615", NULL));
    CU_ASSERT_EQUAL(t->u64, UINT64_MAX);
    CU_ASSERT_TRUE(object_property_parse(obj, "i32", "-2147483648", NULL));
    CU_ASSERT_EQUAL(t->i32, INT32_MIN);
    CU_ASSERT_TRUE(object_property_parse(obj, "size", "512M", NULL));
    CU_ASSERT_EQUAL(t->size, 512 * MiB);
    CU_ASSERT_TRUE(object_property_parse(obj, "size", "2G", NULL));
    CU_ASSERT_EQUAL(t->size, 2 * GiB);
    CU_ASSERT_TRUE(object_property_parse(obj, "str", "hello", NULL));
    CU_ASSERT_STRING_EQUAL(t->str, "hello");
    CU_ASSERT_TRUE(
        object_property_parse(obj, "mac", "52:54:00:12:34:56", NULL));
    CU_ASSERT_EQUAL(t->mac.a[0], 0x52);
    CU_ASSERT_EQUAL(t->mac.a[5], 0x56);
    mac = object_property_print(obj, "mac", NULL);
    CU_ASSERT_STRING_EQUAL(mac, "52:54:00:12:34:56");
    CU_ASSERT_EQUAL(object_property_get_uint(obj, "u16", NULL), 0x1234);
    CU_ASSERT_TRUE(object_property_get_bool(obj, "flag", NULL));
    object_unref(dev);
}

static void test_qdev_props_errors(void)
{
    DeviceState *dev = qdev_new(TYPE_TEST_DEV);
    Object *obj = OBJECT(dev);

    expect_parse_error(obj, "flag", "maybe",
                       "property 'test-qdev.flag' doesn't take value "
                       "'maybe' (expected on, off, true, false, yes or no)");
    expect_parse_error(obj, "u8", "256",
                       "property 'test-qdev.u8' doesn't take value '256' "
                       "(expected an integer from 0 to 255)");
    expect_parse_error(obj, "u8", "-1",
                       "property 'test-qdev.u8' doesn't take value '-1' "
                       "(expected an integer from 0 to 255)");
    expect_parse_error(obj, "u16", "12abc",
                       "property 'test-qdev.u16' doesn't take value '12abc' "
                       "(expected an integer from 0 to 65535)");
    expect_parse_error(obj, "u32", "4294967296",
                       "property 'test-qdev.u32' doesn't take value "
                       "'4294967296' (expected an integer from 0 to "
                       "4294967295)");
    expect_parse_error(obj, "u64", "18446744073709551616",
                       "property 'test-qdev.u64' doesn't take value "
                       "'18446744073709551616' (expected an integer from 0 "
                       "to 18446744073709551615)");
    expect_parse_error(obj, "u64", "",
                       "property 'test-qdev.u64' doesn't take value '' "
                       "(expected an integer from 0 to "
                       "18446744073709551615)");
    expect_parse_error(obj, "i32", "2147483648",
                       "property 'test-qdev.i32' doesn't take value "
                       "'2147483648' (expected an integer from -2147483648 "
                       "to 2147483647)");
    expect_parse_error(obj, "size", "12Q",
                       "property 'test-qdev.size' doesn't take value '12Q' "
                       "(expected a size such as 4096, 64K, 512M or 2G)");
    expect_parse_error(obj, "mac", "52:54:00:12:34",
                       "property 'test-qdev.mac' doesn't take value "
                       "'52:54:00:12:34' (expected a MAC address such as "
                       "52:54:00:12:34:56)");
    expect_parse_error(obj, "mac", "52:54:00:12:34:5g",
                       "property 'test-qdev.mac' doesn't take value "
                       "'52:54:00:12:34:5g' (expected a MAC address such as "
                       "52:54:00:12:34:56)");
    expect_parse_error(obj, "nosuch", "1",
                       "'test-qdev' has no property 'nosuch'");
    /* Failed parses leave the old values. */
    CU_ASSERT_EQUAL(TEST_DEV(dev)->u8, 8);
    CU_ASSERT_EQUAL(TEST_DEV(dev)->size, 4096);
    object_unref(dev);
}

static void test_qdev_realize_reset(void)
{
    DeviceState *dev = qdev_new(TYPE_TEST_DEV);
    TestDev *t = TEST_DEV(dev);
    Error *err = NULL;

    CU_ASSERT_FALSE(dev->realized);
    CU_ASSERT_TRUE(qdev_realize(dev, NULL, &err));
    CU_ASSERT_TRUE(dev->realized);
    CU_ASSERT_EQUAL(t->realized_count, 1);
    CU_ASSERT_EQUAL(t->reset_count, 1); /* realize ends in a reset */
    device_cold_reset(dev);
    CU_ASSERT_EQUAL(t->reset_count, 2);
    CU_ASSERT_TRUE(object_property_get_bool(OBJECT(dev), "realized", NULL));
    /* Properties are frozen once realized. */
    expect_parse_error(OBJECT(dev), "u8", "1",
                       "property 'test-qdev.u8' can't be set after the "
                       "device is realized");
    qdev_unrealize(dev);
    CU_ASSERT_FALSE(dev->realized);
    object_unref(dev);

    dev = qdev_new(TYPE_TEST_DEV);
    object_property_parse(OBJECT(dev), "fail-realize", "on", NULL);
    CU_ASSERT_FALSE(qdev_realize(dev, NULL, &err));
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT_STRING_EQUAL(error_get_pretty(err), "test-qdev: realize refused");
    CU_ASSERT_FALSE(dev->realized);
    error_free(err);
    object_unref(dev);
}

static void test_qdev_new_errors(void)
{
    Error *err = NULL;

    CU_ASSERT_PTR_NULL(qdev_try_new("e1000x", &err));
    CU_ASSERT_STRING_EQUAL(error_get_pretty(err),
                           "'e1000x' is not a valid device model name");
    error_free(err);
    err = NULL;
    CU_ASSERT_PTR_NULL(qdev_try_new(TYPE_TEST_DOG, &err));
    CU_ASSERT_STRING_EQUAL(error_get_pretty(err),
                           "'test-dog' is not a valid device model name");
    error_free(err);
}

static void test_device_help(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);

    CU_ASSERT_TRUE(qdev_print_device_help(out, NULL, NULL));
    CU_ASSERT_TRUE(qdev_print_device_help(out, TYPE_TEST_DEV, NULL));
    fclose(out);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "Misc devices:\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "name \"test-qdev\", desc "
                                       "\"unit-test device\"\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "test-qdev options:\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "u8=<uint8>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "(default: 8)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "mac=<str>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "Ethernet 6-byte MAC Address"));
    free(buf);
}

static bool class_is_interface(ObjectClass *oc)
{
    for (; oc; oc = object_class_get_parent(oc)) {
        if (!strcmp(object_class_get_name(oc), TYPE_INTERFACE)) {
            return true;
        }
    }
    return false;
}

static void test_every_type_instantiates(void)
{
    GSList *list = object_class_get_list(NULL, false);
    int n = 0;

    for (GSList *e = list; e; e = e->next) {
        const char *name = object_class_get_name(e->data);
        Object *obj;

        if (class_is_interface(e->data)) {
            continue;
        }
        obj = object_new(name);
        CU_ASSERT_PTR_NOT_NULL(obj);
        CU_ASSERT_STRING_EQUAL(object_get_typename(obj), name);
        CU_ASSERT_EQUAL(object_get_refcount(obj), 1);
        object_unref(obj);
        n++;
    }
    g_slist_free(list);
    /* container, test-dog, test-puppy, test-cat, test-qdev at least. */
    CU_ASSERT_TRUE(n >= 5);
}

UNIT_SUITE(qom, NULL, NULL, UNIT_TEST(test_class_inheritance),
           UNIT_TEST(test_init_finalize_order), UNIT_TEST(test_casts),
           UNIT_TEST(test_failing_cast_aborts), UNIT_TEST(test_interfaces),
           UNIT_TEST(test_new_errors), UNIT_TEST(test_refcount),
           UNIT_TEST(test_tree_and_links), UNIT_TEST(test_unparent),
           UNIT_TEST(test_qdev_props_defaults_and_parse),
           UNIT_TEST(test_qdev_props_errors),
           UNIT_TEST(test_qdev_realize_reset), UNIT_TEST(test_qdev_new_errors),
           UNIT_TEST(test_device_help), UNIT_TEST(test_every_type_instantiates))
