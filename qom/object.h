/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QOM, the object model: a registry of types filled by type_init hooks,
 * lazily built classes (the parent class copied in, then class_init from the
 * root down), reference-counted instances, interfaces, checked casts,
 * string-settable properties, and the tree of objects with canonical paths.
 * See docs/devel/qom.md for how to add a type.
 */
#ifndef KEMU_QOM_OBJECT_H
#define KEMU_QOM_OBJECT_H

#include "util/osdep.h"
#include "util/error.h"
#include "util/module.h"

typedef struct TypeImpl *Type;
typedef struct ObjectClass ObjectClass;
typedef struct Object Object;
typedef struct ObjectProperty ObjectProperty;
typedef struct InterfaceClass InterfaceClass;

#define TYPE_OBJECT    "object"
#define TYPE_INTERFACE "interface"
#define TYPE_CONTAINER "container"

/**
 * ObjectClass - the first member of every class struct.
 */
struct ObjectClass {
    Type type;
    GSList *interfaces;     /* InterfaceClass *, one per interface */
    GHashTable *properties; /* name -> ObjectProperty *, class-wide */
};

/**
 * Object - the first member of every instance struct.
 */
struct Object {
    ObjectClass *class;
    GHashTable *properties; /* name -> ObjectProperty *, this instance's */
    uint32_t ref;
    Object *parent; /* set while this object is a child property */
};

/**
 * InterfaceClass - the class an interface type has for each class that
 * implements it.
 */
struct InterfaceClass {
    ObjectClass parent_class;
    ObjectClass *concrete_class;
    Type interface_type;
};

typedef struct InterfaceInfo {
    const char *type;
} InterfaceInfo;

/**
 * TypeInfo - what a type_init hook registers.
 * @name: the type name, lowercase with hyphens ("e1000", "virtio-net-pci").
 * @parent: the parent's name; NULL only for TYPE_OBJECT and TYPE_INTERFACE.
 * @instance_size: sizeof the state struct (0: the parent's).
 * @instance_init: called on a zeroed instance, parents first; must not fail.
 * @instance_post_init: called after every instance_init, parents first.
 * @instance_finalize: called when the last reference goes, children first.
 * @abstract: no instances of this type itself.
 * @class_size: sizeof the class struct (0: the parent's).
 * @class_init: called once, after the parent class has been copied in.
 * @class_base_init: called for this type's class and every subclass's,
 *                   before their class_init (to reset copied-in fields).
 * @class_data: passed to class_init.
 * @interfaces: a { NULL }-terminated list of interfaces this type implements.
 */
typedef struct TypeInfo {
    const char *name;
    const char *parent;
    size_t instance_size;
    void (*instance_init)(Object *obj);
    void (*instance_post_init)(Object *obj);
    void (*instance_finalize)(Object *obj);
    bool abstract;
    size_t class_size;
    void (*class_init)(ObjectClass *klass, void *data);
    void (*class_base_init)(ObjectClass *klass, void *data);
    void *class_data;
    InterfaceInfo *interfaces;
} TypeInfo;

/** type_register_static - register info; call from a type_init hook. */
Type type_register_static(const TypeInfo *info);
void type_register_static_array(const TypeInfo *infos, int nr);

/** DEFINE_TYPES - register an array of TypeInfo through type_init. */
#define DEFINE_TYPES(type_array)                                               \
    static void do_kemu_init_##type_array(void)                                \
    {                                                                          \
        type_register_static_array(type_array, ARRAY_SIZE(type_array));        \
    }                                                                          \
    type_init(do_kemu_init_##type_array)

/* ---- Casts ---- */

#define OBJECT(obj)         ((Object *)(obj))
#define OBJECT_CLASS(klass) ((ObjectClass *)(klass))

/**
 * object_dynamic_cast - obj if it is an instance of typename (a class it
 * inherits from or an interface its class implements), else NULL.
 */
Object *object_dynamic_cast(Object *obj, const char *typename);

/**
 * object_dynamic_cast_assert - like object_dynamic_cast, but a failed cast
 * prints both type names and where, then aborts.
 */
Object *object_dynamic_cast_assert(Object *obj, const char *typename,
                                   const char *file, int line,
                                   const char *func);

ObjectClass *object_class_dynamic_cast(ObjectClass *klass,
                                       const char *typename);
ObjectClass *object_class_dynamic_cast_assert(ObjectClass *klass,
                                              const char *typename,
                                              const char *file, int line,
                                              const char *func);

#define OBJECT_CHECK(type, obj, name)                                          \
    ((type *)object_dynamic_cast_assert(OBJECT(obj), (name), __FILE__,         \
                                        __LINE__, __func__))
#define OBJECT_CLASS_CHECK(class_type, klass, name)                            \
    ((class_type *)object_class_dynamic_cast_assert(                           \
        OBJECT_CLASS(klass), (name), __FILE__, __LINE__, __func__))
#define OBJECT_GET_CLASS(class_type, obj, name)                                \
    OBJECT_CLASS_CHECK(class_type, object_get_class(OBJECT(obj)), name)

/**
 * OBJECT_DECLARE_TYPE - declare the checked casts of a type:
 * MODULE_NAME(obj), MODULE_NAME_CLASS(klass), MODULE_NAME_GET_CLASS(obj).
 * TYPE_MODULE_NAME must be defined first.
 */
#define OBJECT_DECLARE_TYPE(InstanceType, ClassType, MODULE_NAME)              \
    typedef struct InstanceType InstanceType;                                  \
    typedef struct ClassType ClassType;                                        \
    static inline G_GNUC_UNUSED InstanceType *MODULE_NAME(const void *obj)     \
    {                                                                          \
        return OBJECT_CHECK(InstanceType, obj, TYPE_##MODULE_NAME);            \
    }                                                                          \
    static inline G_GNUC_UNUSED ClassType *MODULE_NAME##_CLASS(                \
        const void *klass)                                                     \
    {                                                                          \
        return OBJECT_CLASS_CHECK(ClassType, klass, TYPE_##MODULE_NAME);       \
    }                                                                          \
    static inline G_GNUC_UNUSED ClassType *MODULE_NAME##_GET_CLASS(            \
        const void *obj)                                                       \
    {                                                                          \
        return OBJECT_GET_CLASS(ClassType, obj, TYPE_##MODULE_NAME);           \
    }

/** OBJECT_DECLARE_SIMPLE_TYPE - as above for a type with no class of its own.
 */
#define OBJECT_DECLARE_SIMPLE_TYPE(InstanceType, MODULE_NAME)                  \
    typedef struct InstanceType InstanceType;                                  \
    static inline G_GNUC_UNUSED InstanceType *MODULE_NAME(const void *obj)     \
    {                                                                          \
        return OBJECT_CHECK(InstanceType, obj, TYPE_##MODULE_NAME);            \
    }

/* ---- Types and classes ---- */

ObjectClass *object_get_class(Object *obj);
const char *object_get_typename(Object *obj);
ObjectClass *object_class_by_name(const char *typename);
const char *object_class_get_name(ObjectClass *klass);
ObjectClass *object_class_get_parent(ObjectClass *klass);
bool object_class_is_abstract(ObjectClass *klass);
bool type_exists(const char *typename);

/**
 * object_class_get_list - every class that is implements_type or derives
 * from it (NULL: every class), sorted by name.  Free with g_slist_free.
 */
GSList *object_class_get_list(const char *implements_type,
                              bool include_abstract);

/* ---- Instances ---- */

/**
 * object_new_with_err - a new instance of typename with one reference, or
 * NULL and an error naming the type when it is unknown or abstract.
 */
Object *object_new_with_err(const char *typename, Error **errp);

/** object_new - object_new_with_err that aborts on error (internal use). */
Object *object_new(const char *typename);

Object *object_ref(void *obj);
void object_unref(void *obj);
uint32_t object_get_refcount(Object *obj);

/* ---- Properties ---- */

typedef char *(ObjectPropertyGet)(Object *obj, ObjectProperty *prop,
                                  Error **errp);
typedef bool(ObjectPropertySet)(Object *obj, ObjectProperty *prop,
                                const char *value, Error **errp);
typedef void(ObjectPropertyRelease)(Object *obj, ObjectProperty *prop);

/* How a property's value appears as JSON (QMP's qom-get/qom-set). */
typedef enum {
    PROP_JSON_STRING,
    PROP_JSON_BOOL,
    PROP_JSON_NUMBER,
} PropJsonKind;

/**
 * ObjectProperty - a named, typed value of an object.  Values travel as
 * strings: get returns a newly allocated string, set parses one.
 * @type: "bool", "uint8".."uint64", "int8".."int64", "str", "size",
 *        "link<TYPE>", "child<TYPE>", or a device-specific name.
 */
struct ObjectProperty {
    char *name;
    char *type;
    char *description;
    char *defval; /* default as text, for listings; NULL if none */
    PropJsonKind json;
    ObjectPropertyGet *get;
    ObjectPropertySet *set;
    ObjectPropertyRelease *release;
    void *opaque;
};

/**
 * object_property_add - add a property to one instance.  The name must not
 * exist yet (aborts: that is a programming error).
 */
ObjectProperty *object_property_add(Object *obj, const char *name,
                                    const char *type, ObjectPropertyGet *get,
                                    ObjectPropertySet *set,
                                    ObjectPropertyRelease *release,
                                    void *opaque);
/** object_class_property_add - add a property every instance of klass has. */
ObjectProperty *object_class_property_add(ObjectClass *klass, const char *name,
                                          const char *type,
                                          ObjectPropertyGet *get,
                                          ObjectPropertySet *set, void *opaque);
void object_property_del(Object *obj, const char *name);
void object_property_set_description(ObjectProperty *prop, const char *desc);

ObjectProperty *object_property_find(Object *obj, const char *name);
ObjectProperty *object_class_property_find(ObjectClass *klass,
                                           const char *name);

/**
 * object_property_parse - set a property from text, as `-device x,name=val`
 * does.  Errors are one line naming the property, the value and what is
 * allowed.
 */
bool object_property_parse(Object *obj, const char *name, const char *value,
                           Error **errp);
/** object_property_print - the value as text (g_free it), or NULL. */
char *object_property_print(Object *obj, const char *name, Error **errp);

bool object_property_get_bool(Object *obj, const char *name, Error **errp);
bool object_property_set_uint(Object *obj, const char *name, uint64_t value,
                              Error **errp);
uint64_t object_property_get_uint(Object *obj, const char *name, Error **errp);
bool object_property_set_str(Object *obj, const char *name, const char *value,
                             Error **errp);

/**
 * object_property_foreach - call fn for every property of obj, class-wide
 * ones first, each group sorted by name.  Stops when fn returns non-zero.
 */
int object_property_foreach(Object *obj,
                            int (*fn)(Object *obj, ObjectProperty *prop,
                                      void *opaque),
                            void *opaque);
/** object_class_property_foreach - the same over a class (and parents). */
int object_class_property_foreach(ObjectClass *klass,
                                  int (*fn)(ObjectProperty *prop, void *opaque),
                                  void *opaque);

/* Typed convenience properties over fields or callbacks. */
void object_property_add_bool(Object *obj, const char *name,
                              bool (*get)(Object *, Error **),
                              void (*set)(Object *, bool, Error **));
void object_property_add_str(Object *obj, const char *name,
                             char *(*get)(Object *, Error **),
                             void (*set)(Object *, const char *, Error **));
void object_property_add_uint32_ptr(Object *obj, const char *name,
                                    const uint32_t *v);

/* ---- The object tree ---- */

/**
 * object_property_add_child - make child a child of obj under name: obj
 * takes a reference and child's canonical path becomes obj's path + name.
 */
void object_property_add_child(Object *obj, const char *name, Object *child);

/**
 * object_property_add_link - a property holding a pointer to another object
 * of type typename (or a subtype), settable by canonical path.  *targetp is
 * where the pointer lives (in the owner's state).  A strong link holds a
 * reference.
 */
typedef enum {
    OBJ_PROP_LINK_WEAK = 0,
    OBJ_PROP_LINK_STRONG = 1,
} ObjectPropertyLinkFlags;
void object_property_add_link(Object *obj, const char *name,
                              const char *typename, Object **targetp,
                              ObjectPropertyLinkFlags flags);

/** object_unparent - remove obj from its parent (drops that reference). */
void object_unparent(Object *obj);

/** object_get_root_of - the topmost ancestor of obj (the tree's "/"). */
Object *object_get_root_of(Object *obj);

/** object_get_canonical_path - "/machine/peripheral/net0" (g_free it). */
char *object_get_canonical_path(Object *obj);

/** object_get_canonical_path_component - obj's name in its parent. */
const char *object_get_canonical_path_component(Object *obj);

/**
 * object_resolve_path - the object at an absolute path ("/a/b") from root;
 * or, for a partial path ("ioapic", "peripheral/net0"), the one object in
 * root's tree whose path ends with it (NULL if none or ambiguous, as
 * QEMU).  Follows child and link properties.
 */
Object *object_resolve_path(Object *root, const char *path);

/** object_resolve_path_component - the child or link target called part. */
Object *object_resolve_path_component(Object *parent, const char *part);

/**
 * object_child_foreach - fn for each child of obj, in name order, until fn
 * returns non-zero.
 */
int object_child_foreach(Object *obj, int (*fn)(Object *child, void *opaque),
                         void *opaque);

/** container_get - the container at path under root, created as needed. */
Object *container_get(Object *root, const char *path);

#endif
